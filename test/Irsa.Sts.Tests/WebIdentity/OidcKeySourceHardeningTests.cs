using Irsa.Cluster.Discovery;
using Irsa.Sts.Tests.Support;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts.Tests.WebIdentity;

/// <summary>Revocation and reach limits of the JWKS cache: stale keys age out, JWKS only from the issuer's origin, bounded issuers.</summary>
public sealed class OidcKeySourceHardeningTests
{
    [Fact]
    public async Task IssuerDown_StaleKeysAreRefusedAfterMaxStaleKeyAge()
    {
        using var bed = new StsTestBed();
        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
        bed.Handler.Down = true;

        // Cached for max-age=3600; served stale while the issuer is down, up to the 24 h default.
        bed.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromHours(23));
        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
        bed.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var result = await bed.AssumeAsync(bed.Mint());

        Assert.Equal("InvalidIdentityToken", result.Error!.Code);
        Assert.Equal(StsErrors.KeyRetrievalMessage, result.Error.Message);
    }

    [Fact]
    public async Task StaleKeyAge_IsConfigurable()
    {
        using var bed = new StsTestBed(options: new StsOptions { KeySource = new OidcKeySourceOptions { MaxStaleKeyAge = TimeSpan.FromMinutes(5) } });
        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
        bed.Handler.Down = true;

        bed.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(6));

        Assert.Equal(StsErrors.KeyRetrievalMessage, (await bed.AssumeAsync(bed.Mint())).Error!.Message);
    }

    [Theory]
    [InlineData("https://oidc.test:8443/openid/v1/jwks")]
    [InlineData("https://keys.elsewhere.test/jwks")]
    [InlineData("http://127.0.0.1:7707/id/ABC/keys")]
    public async Task JwksUri_OffTheIssuersOrigin_IsNotFetched(string jwksUri)
    {
        using var bed = new StsTestBed();
        bed.Handler.Serve(StsTestBed.DiscoveryUrl, OidcDiscoveryDocument.Create(StsTestBed.Issuer, jwksUri, [bed.Key]));
        bed.Handler.Serve(jwksUri, JwksDocument.Create([bed.Key]));

        var result = await bed.AssumeAsync(bed.Mint());

        Assert.Equal(StsErrors.KeyRetrievalMessage, result.Error!.Message);
        Assert.Equal(0, bed.Handler.CountRequests(jwksUri));
    }

    [Fact]
    public async Task JwksUri_OnAnAllowedOrigin_IsFetched()
    {
        const string jwksUri = "https://keys.elsewhere.test/jwks";
        using var bed = new StsTestBed(options: new StsOptions { KeySource = new OidcKeySourceOptions { AllowedJwksOrigins = ["https://KEYS.elsewhere.test"] } });
        bed.Handler.Serve(StsTestBed.DiscoveryUrl, OidcDiscoveryDocument.Create(StsTestBed.Issuer, jwksUri, [bed.Key]));
        bed.Handler.Serve(jwksUri, JwksDocument.Create([bed.Key]));

        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
        Assert.Equal(1, bed.Handler.CountRequests(jwksUri));
    }

    [Fact]
    public async Task Issuers_AreBounded_LeastRecentlyUsedFirst()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var handler = new FakeOidcHandler();
        using var source = new OidcKeySource(time, new OidcKeySourceOptions { MaxIssuers = 2 }, _ => handler);
        var algorithm = JwsAlgorithm.Find("RS256")!;
        string[] issuers = ["https://a.test", "https://b.test", "https://c.test"];

        foreach (var issuer in issuers.Append(issuers[0]))
        {
            await source.FindKeyAsync(issuer, [], "kid", algorithm);
        }

        // a was evicted by c, so its state (and rate limit) was gone: it was fetched again.
        Assert.Equal(2, handler.CountRequests("https://a.test/.well-known/openid-configuration"));
        Assert.Equal(1, handler.CountRequests("https://b.test/.well-known/openid-configuration"));
    }
}
