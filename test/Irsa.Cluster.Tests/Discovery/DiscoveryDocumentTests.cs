using System.Text;
using Irsa.Cluster.Discovery;
using Irsa.Cluster.Keys;

namespace Irsa.Cluster.Tests.Discovery;

public sealed class DiscoveryDocumentTests
{
    private const string GoldenJwks =
        """{"keys":[{"use":"sig","kty":"RSA","kid":"JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU","alg":"RS256","n":"249XwEo9k4tM8fMxV7zxOhcrP-WvXn917koM5Qr2ZXs4vo26e4ytdlrV0bQ9SlcLpQVSYjIxNfhTZdDt-ecIzshKuv1gKIxbbLQMOuK1eA_4HALyEkFgmS_tleLJrhc65tKPMGD-pKQ_xhmzRuCG51RoiMgbQxaCyYxGfNLpLAZK9L0Tctv9a0mJmGIYnIOQM4kC1A1I1n3EsXMWmeJUj7OTh_AjjCnMnkgvKT2tpKxYQ59PgDgU8Ssc7RDSmSkLxnrv-OrN80j6xrw0OjEiB4Ycr0PqfzZcvy8efTtFQ_Jnc4Bp1zUtFXt7-QeevePtQ2EcyELXE0i63T1CujRMWw","e":"AQAB"},{"use":"sig","kty":"EC","kid":"SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc","crv":"P-256","alg":"ES256","x":"H6cuzP8XuD5wal6wf9M6xDljTOPLX2i8uIp_C_ASqiI","y":"BlHnikLV9PyEd6gl8k4T_3Wwoh6xd79XLoQTh2PAi1Y"}]}""";

    private const string GoldenDiscovery =
        """{"issuer":"https://issuer.example.com","jwks_uri":"https://issuer.example.com/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","RS256"]}""";

    [Fact]
    public void Jwks_MatchesKubernetesGoldenBytes()
    {
        using var rsa = TestKeys.RsaPublic();
        using var ec = TestKeys.EcPublic();

        var bytes = JwksDocument.Create([rsa, ec]);

        Assert.Equal(GoldenJwks, Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Discovery_MatchesKubernetesGoldenBytes_WithSortedDistinctAlgorithms()
    {
        var bytes = OidcDiscoveryDocument.Create(
            "https://issuer.example.com",
            "https://issuer.example.com/openid/v1/jwks",
            [SigningAlgorithm.RS256, SigningAlgorithm.ES256, SigningAlgorithm.RS256]);

        Assert.Equal(GoldenDiscovery, Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Discovery_FromKeys_UsesTheirAlgorithms_AndKeepsIssuerVerbatim()
    {
        using var rsa = TestKeys.RsaPublic();
        using var ec = TestKeys.EcPublic();
        var issuer = "https://host/id/ABC/";

        var bytes = OidcDiscoveryDocument.Create(issuer, OidcDiscoveryDocument.DefaultJwksUri(issuer), [ec, rsa]);

        Assert.Equal(
            """{"issuer":"https://host/id/ABC/","jwks_uri":"https://host/id/ABC/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","RS256"]}""",
            Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void HttpConstants_MatchKubeApiserver()
    {
        Assert.Equal("public, max-age=3600", DiscoveryHttp.CacheControl);
        Assert.Equal("application/jwk-set+json", DiscoveryHttp.JwksContentType);
        Assert.Equal("application/json", DiscoveryHttp.DiscoveryContentType);
    }
}
