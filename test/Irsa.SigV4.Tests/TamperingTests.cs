using System.Text;
using static Irsa.SigV4.Tests.VerifierTestKit;

namespace Irsa.SigV4.Tests;

public sealed class TamperingTests
{
    private const string MismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    [Fact]
    public async Task Untampered_StsPost_Verifies_WithScopeAndPrincipal()
    {
        var result = await Verify(SignedStsPost());

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(new SigV4CredentialScope(AccessKeyId, "20260807", "us-east-1", "sts"), result.Identity!.Scope);
        Assert.Equal("user/alice", result.Identity.Principal);
        Assert.Equal(["content-length", "content-type", "host", "x-amz-date"], result.Identity.SignedHeaders);
        Assert.Equal(SigV4PayloadSigning.Signed, result.Identity.PayloadSigning);
        Assert.Null(result.Identity.SessionToken);
    }

    [Fact]
    public async Task RegionAndServiceAreTakenFromScope_NotPinned()
    {
        var result = await Verify(SignedStsPost(region: "eu-west-3", service: "iam"));

        Assert.True(result.Succeeded);
        Assert.Equal("eu-west-3", result.Identity!.Scope.Region);
        Assert.Equal("iam", result.Identity.Scope.Service);
    }

    [Fact]
    public async Task TamperedBody_SignatureDoesNotMatch()
    {
        var signed = SignedStsPost();
        var tampered = new SigV4Request(signed.Method, signed.RawPath, signed.RawQuery, signed.Headers,
            SigV4Payload.FromBytes(Encoding.UTF8.GetBytes(StsBody.Replace("GetCallerIdentity", "GetCallerIdentitz", StringComparison.Ordinal))));

        AssertMismatch(await Verify(tampered));
    }

    [Fact]
    public async Task TamperedSignedHeader_SignatureDoesNotMatch() =>
        AssertMismatch(await Verify(ReplaceHeader(SignedStsPost(), "Content-Type", "application/json")));

    [Fact]
    public async Task TamperedHost_SignatureDoesNotMatch() =>
        AssertMismatch(await Verify(ReplaceHeader(SignedStsPost(), "Host", "sts.irsa.local")));

    [Fact]
    public async Task TamperedDate_SignatureDoesNotMatch() =>
        AssertMismatch(await Verify(ReplaceHeader(SignedStsPost(), "X-Amz-Date", "20260807T120001Z")));

    [Theory]
    [InlineData("/us-east-1/sts/", "/us-west-2/sts/")]
    [InlineData("/us-east-1/sts/", "/us-east-1/iam/")]
    public async Task TamperedRegionOrService_SignatureDoesNotMatch(string from, string to)
    {
        var signed = SignedStsPost();
        var auth = signed.GetHeader("Authorization")!.Replace(from, to, StringComparison.Ordinal);

        AssertMismatch(await Verify(ReplaceHeader(signed, "Authorization", auth)));
    }

    [Fact]
    public async Task UnknownAccessKey_InvalidClientTokenId()
    {
        var signed = SignedStsPost(credentials: new SigV4Credentials("AKIAUNKNOWN", Secret));
        var result = await Verify(signed);

        AssertError(result, "InvalidClientTokenId", "The security token included in the request is invalid", 403);
        Assert.Equal(SigV4ErrorKind.InvalidAccessKey, result.Error!.Kind);
    }

    [Fact]
    public async Task TamperedAccessKey_InAuthorization_InvalidClientTokenId()
    {
        var signed = SignedStsPost();
        var auth = signed.GetHeader("Authorization")!.Replace(AccessKeyId, "AKIAOTHERKEY", StringComparison.Ordinal);

        AssertError(await Verify(ReplaceHeader(signed, "Authorization", auth)), "InvalidClientTokenId", "The security token included in the request is invalid", 403);
    }

    [Fact]
    public async Task WrongSecret_SignatureDoesNotMatch() =>
        AssertMismatch(await Verify(SignedStsPost(credentials: new SigV4Credentials(AccessKeyId, Secret + "x"))));

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(63)]
    public async Task TruncatedSignature_SignatureDoesNotMatch(int keep)
    {
        var signed = SignedStsPost();
        var auth = signed.GetHeader("Authorization")!;
        var cut = auth[..(auth.IndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length + keep)];

        AssertMismatch(await Verify(ReplaceHeader(signed, "Authorization", cut)));
    }

    [Fact]
    public async Task FlippedSignatureDigit_SignatureDoesNotMatch()
    {
        var signed = SignedStsPost();
        var auth = signed.GetHeader("Authorization")!;
        var last = auth[^1] == '0' ? '1' : '0';

        AssertMismatch(await Verify(ReplaceHeader(signed, "Authorization", auth[..^1] + last)));
    }

    [Fact]
    public async Task SessionCredentials_RequireTheIssuedToken()
    {
        var ok = await Verify(SignedStsPost(credentials: new SigV4Credentials(SessionKeyId, Secret, SessionToken)));
        Assert.True(ok.Succeeded, ok.Error?.Message);
        Assert.Equal(SessionToken, ok.Identity!.SessionToken);
        Assert.Contains("x-amz-security-token", ok.Identity.SignedHeaders);

        var wrong = await Verify(SignedStsPost(credentials: new SigV4Credentials(SessionKeyId, Secret, "another-token")));
        AssertError(wrong, "InvalidClientTokenId", "The security token included in the request is invalid", 403);

        var none = await Verify(SignedStsPost(credentials: new SigV4Credentials(SessionKeyId, Secret)));
        AssertError(none, "InvalidClientTokenId", "The security token included in the request is invalid", 403);
    }

    [Fact]
    public async Task ResolverReportsExpired_ExpiredToken() =>
        AssertError(
            await Verify(SignedStsPost(credentials: new SigV4Credentials("ASIAEXPIRED", Secret, "t"))),
            "ExpiredToken", "The security token included in the request is expired", 403);

    [Fact]
    public async Task ResolverCustomRejection_IsReturnedAsIs()
    {
        var custom = new SigV4Error(SigV4ErrorKind.Custom, "AccessDenied", "Key disabled", 403);
        var result = await Verifier().VerifyAsync(SignedStsPost(), (_, _) => ValueTask.FromResult(SigV4KeyResolution.Rejected(custom)));

        Assert.Same(custom, result.Error);
    }

    [Fact]
    public async Task NoSignature_MissingAuthenticationToken()
    {
        var result = await Verify(StsPost());

        AssertError(result, "MissingAuthenticationToken", "Request is missing Authentication Token", 403);
        Assert.True(result.IsUnsigned);
    }

    [Fact]
    public async Task HostNotSigned_SignatureDoesNotMatch()
    {
        var signed = SignedStsPost();
        var auth = signed.GetHeader("Authorization")!.Replace("host;", string.Empty, StringComparison.Ordinal);

        AssertError(await Verify(ReplaceHeader(signed, "Authorization", auth)), "SignatureDoesNotMatch",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", 403);
    }

    private static void AssertMismatch(SigV4Result result)
    {
        AssertError(result, "SignatureDoesNotMatch", MismatchMessage, 403);
        Assert.Equal(SigV4ErrorKind.SignatureMismatch, result.Error!.Kind);
    }

    internal static void AssertError(SigV4Result result, string code, string message, int status)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(code, result.Error!.Code);
        Assert.Equal(message, result.Error.Message);
        Assert.Equal(status, result.Error.StatusCode);
    }
}
