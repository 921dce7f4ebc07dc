using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Irsa.Server.Tests.Cluster;

/// <summary>
/// Tokens from Irsa verified by a library no one here wrote, reaching the keys only through OIDC discovery.
/// </summary>
public sealed class DiscoveryTests
{
    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task Tokens_verify_with_Microsoft_IdentityModel_through_discovery(string algorithm)
    {
        await using var server = await IrsaTestServer.StartAsync();
        var cluster = await EksCalls.CreateClusterAsync(server, "demo", algorithm);
        var issuer = EksCalls.Issuer(cluster);
        var token = await EksCalls.AdminTokenAsync(server, "demo");

        var result = await ValidateThroughDiscoveryAsync(issuer, token);

        Assert.True(result.IsValid, result.Exception?.ToString());
        Assert.Equal("system:serviceaccount:kube-system:irsa-admin", result.ClaimsIdentity.FindFirst("sub")!.Value);
        Assert.Equal(algorithm, ((JsonWebToken)result.SecurityToken).Alg);
    }

    [Fact]
    public async Task Discovery_documents_have_the_exact_headers_and_fields()
    {
        await using var server = await IrsaTestServer.StartAsync();
        var issuer = EksCalls.Issuer(await EksCalls.CreateClusterAsync(server, "demo"));

        using var discovery = await server.Http.GetAsync(issuer + "/.well-known/openid-configuration");
        using var jwks = await server.Http.GetAsync(issuer + "/keys");

        Assert.Equal("public, max-age=3600", discovery.Headers.CacheControl!.ToString());
        Assert.Equal("application/json", discovery.Content.Headers.ContentType!.MediaType);
        Assert.Equal("application/jwk-set+json", jwks.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            $"{{\"issuer\":\"{issuer}\",\"jwks_uri\":\"{issuer}/keys\",\"response_types_supported\":[\"id_token\"],\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}}",
            await discovery.Content.ReadAsStringAsync());
        Assert.DoesNotContain("\"d\"", await jwks.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_cluster_ids_are_not_found()
    {
        await using var server = await IrsaTestServer.StartAsync();

        using var response = await server.Http.GetAsync("/id/0123456789ABCDEF0123456789ABCDEF/.well-known/openid-configuration");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Rotated_keys_keep_old_tokens_valid_and_sign_new_ones_with_the_new_key()
    {
        await using var server = await IrsaTestServer.StartAsync();
        var issuer = EksCalls.Issuer(await EksCalls.CreateClusterAsync(server, "demo"));
        var before = await EksCalls.AdminTokenAsync(server, "demo");

        using var rotate = await server.SendSignedAsync(HttpMethod.Post, "/clusters/demo/rotate-keys", "eks", "{}", "application/json");
        Assert.True(rotate.IsSuccessStatusCode, await rotate.Content.ReadAsStringAsync());
        var after = await EksCalls.AdminTokenAsync(server, "demo");

        Assert.True((await ValidateThroughDiscoveryAsync(issuer, before)).IsValid);
        Assert.True((await ValidateThroughDiscoveryAsync(issuer, after)).IsValid);
        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
    }

    [Fact]
    public async Task Restart_on_the_same_data_keeps_clusters_and_tokens_verify()
    {
        var server = await IrsaTestServer.StartAsync();
        await EksCalls.CreateClusterAsync(server, "demo");
        var token = await EksCalls.AdminTokenAsync(server, "demo");
        var data = server.DataDirectory;
        await server.StopAsync();

        await using var restarted = await IrsaTestServer.StartAsync(data);
        using var describe = await restarted.SendSignedAsync(HttpMethod.Get, "/clusters/demo", "eks");
        var cluster = System.Text.Json.Nodes.JsonNode.Parse(await describe.Content.ReadAsStringAsync())!["cluster"]!.AsObject();

        // The issuer moved with the new port, but the same keys are published under it.
        var jwks = await restarted.Http.GetStringAsync(EksCalls.Issuer(cluster) + "/keys");
        Assert.Contains(new JsonWebToken(token).Kid, jwks, StringComparison.Ordinal);
    }

    internal static async Task<TokenValidationResult> ValidateThroughDiscoveryAsync(string issuer, string token, string? audience = null)
    {
        var configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            issuer + "/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever { RequireHttps = false });
        var config = await configuration.GetConfigurationAsync(CancellationToken.None);
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience ?? issuer,
            IssuerSigningKeys = config.SigningKeys,
            ValidAlgorithms = ["RS256", "ES256"],
        });
    }
}
