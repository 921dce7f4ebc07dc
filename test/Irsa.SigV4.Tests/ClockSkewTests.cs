using static Irsa.SigV4.Tests.TamperingTests;
using static Irsa.SigV4.Tests.VerifierTestKit;

namespace Irsa.SigV4.Tests;

public sealed class ClockSkewTests
{
    [Theory]
    [InlineData(-900)]
    [InlineData(0)]
    [InlineData(900)]
    public async Task HeaderAuth_WithinFifteenMinutesEitherWay_Verifies(int offsetSeconds)
    {
        var signedAt = Now.AddSeconds(offsetSeconds);
        Assert.True((await Verify(SignedStsPost(signedAt))).Succeeded);
    }

    [Fact]
    public async Task HeaderAuth_OneSecondTooOld_SignatureExpired()
    {
        // The shape of the real AWS message: "Signature expired: 20200512T191404Z is now earlier than 20200512T192025Z (20200512T193525Z - 15 min.)"
        var result = await Verify(SignedStsPost(Now.AddSeconds(-901)));

        AssertError(result, "SignatureDoesNotMatch",
            "Signature expired: 20260807T114459Z is now earlier than 20260807T114500Z (20260807T120000Z - 15 min.)", 403);
        Assert.Equal(SigV4ErrorKind.RequestTimeSkewed, result.Error!.Kind);
    }

    [Fact]
    public async Task HeaderAuth_OneSecondTooNew_SignatureNotYetCurrent() =>
        AssertError(await Verify(SignedStsPost(Now.AddSeconds(901))), "SignatureDoesNotMatch",
            "Signature not yet current: 20260807T121501Z is still later than 20260807T121500Z (20260807T120000Z + 15 min.)", 403);

    [Fact]
    public async Task HeaderAuth_S3Dialect_RequestTimeTooSkewed()
    {
        var options = new SigV4VerifierOptions { ServiceRules = _ => SigV4ServiceRules.S3 };
        var request = S3Tests.SignedS3Get(Now.AddMinutes(-16));
        var result = await Verify(request, options: options);

        AssertError(result, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", 403);
        Assert.Contains(new KeyValuePair<string, string>("MaxAllowedSkewMilliseconds", "900000"), result.Error!.Details);
    }

    [Fact]
    public async Task CustomSkewWindow_IsHonoured()
    {
        var options = new SigV4VerifierOptions { AllowedClockSkew = TimeSpan.FromMinutes(5) };

        Assert.True((await Verify(SignedStsPost(Now.AddMinutes(-5)), options: options)).Succeeded);
        AssertError(await Verify(SignedStsPost(Now.AddMinutes(-6)), options: options), "SignatureDoesNotMatch",
            "Signature expired: 20260807T115400Z is now earlier than 20260807T115500Z (20260807T120000Z - 5 min.)", 403);
    }

    [Fact]
    public async Task Presigned_ValidUntilExpiresInclusive_ThenExpired()
    {
        var url = Presigned(TimeSpan.FromSeconds(60));

        Assert.True((await Verify(url, Now.AddSeconds(60))).Succeeded);
        var result = await Verify(url, Now.AddSeconds(61));
        AssertError(result, "SignatureDoesNotMatch",
            "Signature expired: 20260807T120000Z is now earlier than 20260807T120001Z (20260807T120101Z - 1 min.)", 403);
        Assert.Equal(SigV4ErrorKind.RequestExpired, result.Error!.Kind);
    }

    [Fact]
    public async Task Presigned_ValidityOption_OverridesExpires_AsEksTokensNeed()
    {
        // EKS tokens are presigned for 60 s and accepted for 15 minutes from their X-Amz-Date.
        var url = Presigned(TimeSpan.FromSeconds(60));
        var options = new SigV4VerifierOptions { PresignedValidity = TimeSpan.FromMinutes(15) };

        Assert.True((await Verify(url, Now.AddMinutes(15), options)).Succeeded);
        Assert.Equal(SigV4ErrorKind.RequestExpired, (await Verify(url, Now.AddMinutes(15).AddSeconds(1), options)).Error?.Kind);
    }

    [Fact]
    public async Task Presigned_FromTheFuture_Rejected()
    {
        var url = Presigned(TimeSpan.FromHours(1));

        Assert.Equal(SigV4ErrorKind.RequestTimeSkewed, (await Verify(url, Now.AddMinutes(-16))).Error?.Kind);
        Assert.True((await Verify(url, Now.AddMinutes(-15))).Succeeded);
    }

    [Theory]
    [InlineData("0", "X-Amz-Expires must be greater than 0")]
    [InlineData("-1", "X-Amz-Expires must be non-negative")]
    [InlineData("604801", "X-Amz-Expires must be less than a week (in seconds) that is; 604800")]
    [InlineData("soon", "X-Amz-Expires should be a number")]
    public async Task Presigned_ExpiresOutOfRange_IncompleteSignature(string expires, string message)
    {
        var url = Presigned(TimeSpan.FromSeconds(60));
        var tampered = new SigV4Request(url.Method, url.RawPath, url.RawQuery.Replace("X-Amz-Expires=60", "X-Amz-Expires=" + expires, StringComparison.Ordinal), url.Headers, url.Payload);

        AssertError(await Verify(tampered), "IncompleteSignature", message, 400);
    }

    [Fact]
    public async Task Presigned_MissingParameters_Listed()
    {
        var url = Presigned(TimeSpan.FromSeconds(60));
        var query = string.Join('&', url.RawQuery.Split('&').Where(p => !p.StartsWith("X-Amz-Signature=", StringComparison.Ordinal) && !p.StartsWith("X-Amz-Date=", StringComparison.Ordinal)));

        AssertError(await Verify(new SigV4Request(url.Method, url.RawPath, query, url.Headers, url.Payload)), "IncompleteSignature",
            "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
            400);
    }

    [Fact]
    public async Task Presigned_GetCallerIdentity_WithSessionToken_Verifies()
    {
        var request = new SigV4Request("GET", "/", "Action=GetCallerIdentity&Version=2011-06-15", [new("Host", "sts.irsa.local")], SigV4Payload.Empty);
        var presigned = SigV4Signer.Presign(request, new SigV4Credentials(SessionKeyId, Secret, SessionToken), "us-east-1", "sts", Now, TimeSpan.FromMinutes(15));
        var result = await Verify(new SigV4Request("GET", "/", presigned.Query, request.Headers, SigV4Payload.Empty));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(SessionToken, result.Identity!.SessionToken);
        Assert.Equal(SigV4AuthLocation.Query, result.Identity.Location);
    }

    private static SigV4Request Presigned(TimeSpan expires)
    {
        var request = new SigV4Request("GET", "/", "Action=GetCallerIdentity&Version=2011-06-15", [new("Host", "sts.irsa.local")], SigV4Payload.Empty);
        var presigned = SigV4Signer.Presign(request, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "sts", Now, expires);
        return new SigV4Request("GET", "/", presigned.Query, request.Headers, SigV4Payload.Empty);
    }
}
