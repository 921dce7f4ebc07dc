using Microsoft.Extensions.Time.Testing;

namespace Irsa.SigV4.Tests.TestSuite;

/// <summary>The published AWS SigV4 test suite, run through both the signer and the verifier, header and query auth.</summary>
public sealed class AwsTestSuiteTests
{
    private static SuiteFile Data => Suite.Data;

    public static TheoryData<string> Cases => Suite.CaseNames();

    // The "-unnormalized" cases exercise S3's path handling, with the suite's generic service name.
    private static SigV4ServiceRules RulesFor(SuiteCase c) =>
        c.Normalize ? SigV4ServiceRules.Default : SigV4ServiceRules.Default with { PathStyle = SigV4PathStyle.S3 };

    private static SigV4Credentials Credentials(SuiteCase c) => new(Data.AccessKeyId, Data.SecretAccessKey, c.SessionToken);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Signer_HeaderAuth_MatchesCanonicalRequestStringToSignAndSignature(string name)
    {
        var c = Suite.Get(name);
        var signed = SigV4Signer.Sign(
            Suite.ParseHttp(c.Request), Credentials(c), Data.Region, Data.Service, Data.Timestamp,
            new SigV4SigningOptions { Rules = RulesFor(c), AddContentSha256Header = c.SignBody, SignSessionToken = !c.OmitSessionToken });

        Assert.Equal(c.HeaderCanonicalRequest, signed.CanonicalRequest);
        Assert.Equal(c.HeaderStringToSign, signed.StringToSign);
        Assert.Equal(c.HeaderSignature, signed.Signature);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Signer_Presign_MatchesCanonicalRequestSignatureAndUrl(string name)
    {
        var c = Suite.Get(name);
        var presigned = SigV4Signer.Presign(
            Suite.ParseHttp(c.Request), Credentials(c), Data.Region, Data.Service, Data.Timestamp,
            TimeSpan.FromSeconds(Data.ExpiresSeconds), new SigV4SigningOptions { Rules = RulesFor(c), SignSessionToken = !c.OmitSessionToken });

        Assert.Equal(c.QueryCanonicalRequest, presigned.CanonicalRequest);
        Assert.Equal(c.QueryStringToSign, presigned.StringToSign);
        Assert.Equal(c.QuerySignature, presigned.Signature);
        Assert.Equal(Suite.ParseHttp(c.QuerySignedRequest).RawQuery, presigned.Query);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verifier_AcceptsSuiteHeaderSignedRequest(string name)
    {
        var c = Suite.Get(name);
        var result = await Verify(c, c.HeaderSignedRequest, Data.Timestamp.AddMinutes(1));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(SigV4AuthLocation.Header, result.Identity!.Location);
        Assert.Equal(new SigV4CredentialScope("AKIDEXAMPLE", "20150830", "us-east-1", "service"), result.Identity.Scope);
        Assert.Equal(c.HeaderSignature, result.Identity.Signature);
        Assert.Equal(c.SessionToken, result.Identity.SessionToken);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verifier_AcceptsSuitePresignedRequest(string name)
    {
        var c = Suite.Get(name);
        var result = await Verify(c, c.QuerySignedRequest, Data.Timestamp.AddSeconds(Data.ExpiresSeconds));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(SigV4AuthLocation.Query, result.Identity!.Location);
        Assert.Equal(TimeSpan.FromSeconds(Data.ExpiresSeconds), result.Identity.Expires);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verifier_RejectsSuitePresignedRequestOneSecondAfterExpiry(string name)
    {
        var c = Suite.Get(name);
        var result = await Verify(c, c.QuerySignedRequest, Data.Timestamp.AddSeconds(Data.ExpiresSeconds + 1));

        Assert.Equal(SigV4ErrorKind.RequestExpired, result.Error?.Kind);
    }

    private static ValueTask<SigV4Result> Verify(SuiteCase c, string signedRequest, DateTimeOffset now)
    {
        var verifier = new SigV4Verifier(new FakeTimeProvider(now), new SigV4VerifierOptions { ServiceRules = _ => RulesFor(c) });
        return verifier.VerifyAsync(
            Suite.ParseHttp(signedRequest),
            (request, _) => ValueTask.FromResult(request.AccessKeyId == Data.AccessKeyId
                ? SigV4KeyResolution.Found(Data.SecretAccessKey, c.SessionToken)
                : SigV4KeyResolution.NotFound()));
    }
}
