using static Irsa.SigV4.Tests.TamperingTests;
using static Irsa.SigV4.Tests.VerifierTestKit;

namespace Irsa.SigV4.Tests;

public sealed class MalformedAuthTests
{
    [Fact]
    public async Task NonAwsScheme_ListsEveryMissingComponent()
    {
        var request = WithHeaders(StsPost(), [new("Authorization", "Bearer eyJ0eXAi")]);

        AssertError(await Verify(request), "IncompleteSignature",
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer eyJ0eXAi",
            400);
    }

    [Fact]
    public async Task OnlyCredential_ListsSignatureAndSignedHeaders()
    {
        var request = WithHeaders(StsPost(), [new("X-Amz-Date", "20260807T120000Z"), new("Authorization", "AWS4-HMAC-SHA256 Credential=ABCDEF")]);

        AssertError(await Verify(request), "IncompleteSignature",
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF",
            400);
    }

    [Fact]
    public async Task MissingDate_IsReported()
    {
        var signed = RemoveHeader(SignedStsPost(), "X-Amz-Date");
        var header = signed.GetHeader("Authorization")!;

        AssertError(await Verify(signed), "IncompleteSignature",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" + header, 400);
    }

    [Fact]
    public async Task SpaceAfterEqualSign_MissingEqualSign()
    {
        const string header = "AWS4-HMAC-SHA256 Credential= AKIAIOSFODNN7EXAMPLE/20260807/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        var request = WithHeaders(StsPost(), [new("X-Amz-Date", "20260807T120000Z"), new("Authorization", header)]);

        AssertError(await Verify(request), "IncompleteSignature",
            $"'AKIAIOSFODNN7EXAMPLE/20260807/us-east-1/sts/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'.",
            400);
    }

    [Fact]
    public async Task OtherAlgorithm_Rejected()
    {
        var signed = SignedStsPost();
        var header = signed.GetHeader("Authorization")!.Replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", StringComparison.Ordinal);

        AssertError(await Verify(ReplaceHeader(signed, "Authorization", header)), "IncompleteSignature",
            "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'.", 400);
    }

    [Fact]
    public async Task ScopeDateDiffersFromAmzDate_SignatureDoesNotMatch()
    {
        var signed = SignedStsPost();
        var header = signed.GetHeader("Authorization")!.Replace("/20260807/", "/20260806/", StringComparison.Ordinal);

        AssertError(await Verify(ReplaceHeader(signed, "Authorization", header)), "SignatureDoesNotMatch",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260806' != '20260807', from '20260807T120000Z'.",
            403);
    }

    [Fact]
    public async Task WrongTerminator_SignatureDoesNotMatch()
    {
        var signed = SignedStsPost();
        var header = signed.GetHeader("Authorization")!.Replace("/aws4_request", "/aws5_request", StringComparison.Ordinal);

        AssertError(await Verify(ReplaceHeader(signed, "Authorization", header)), "SignatureDoesNotMatch",
            "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.", 403);
    }

    [Fact]
    public async Task CredentialWithoutFiveParts_IncompleteSignature()
    {
        var signed = SignedStsPost();
        var header = signed.GetHeader("Authorization")!.Replace("/us-east-1/sts/", "/us-east-1/", StringComparison.Ordinal);

        AssertError(await Verify(ReplaceHeader(signed, "Authorization", header)), "IncompleteSignature",
            $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{AccessKeyId}/20260807/us-east-1/aws4_request'",
            400);
    }

    [Fact]
    public async Task DateHeaderInsteadOfAmzDate_Verifies()
    {
        // Sign "date" instead of "x-amz-date", then send only the RFC 1123 Date header.
        var request = WithHeaders(StsPost(), [new("Date", "Fri, 07 Aug 2026 12:00:00 GMT")]);
        var signed = SigV4Signer.Sign(request, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "sts", Now,
            new SigV4SigningOptions { HeaderFilter = name => name != "x-amz-date" });
        var sent = RemoveHeader(WithHeaders(request, signed.HeadersToAdd), "X-Amz-Date");
        var result = await Verify(sent);

        Assert.Contains(";date;", ";" + signed.SignedHeaders + ";", StringComparison.Ordinal);
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(Now, result.Identity!.RequestTime);
    }

    [Fact]
    public async Task BothHeaderAndQueryAuth_Rejected()
    {
        var signed = SignedStsPost();
        var request = new SigV4Request(signed.Method, signed.RawPath, "X-Amz-Algorithm=AWS4-HMAC-SHA256", signed.Headers, signed.Payload);

        Assert.Equal(SigV4ErrorKind.IncompleteSignature, (await Verify(request)).Error?.Kind);
    }
}
