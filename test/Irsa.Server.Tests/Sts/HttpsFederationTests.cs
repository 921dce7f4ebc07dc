using System.Net;
using System.Security.Cryptography.X509Certificates;
using Irsa.Server.Tests.Cluster;
using Irsa.Sts.WebIdentity;

namespace Irsa.Server.Tests.Sts;

/// <summary>
/// Federation over HTTPS with Irsa's local CA: STS fetches the issuer's discovery and JWKS over TLS and, since the CA
/// is not a public root, trusts it only through the provider's thumbprint, as AWS does.
/// </summary>
public sealed class HttpsFederationTests
{
    [Fact]
    public async Task A_projected_token_buys_credentials_when_the_provider_pins_the_local_ca()
    {
        await using var cluster = await KubeCluster.StartAsync(o => new IrsaServerOptions { DataDirectory = o.DataDirectory, ListenUrls = ["https://127.0.0.1:0"] });
        var roleArn = await FederateAsync(cluster, Thumbprint(cluster.Server));

        using var response = await AssumeAsync(cluster, roleArn);
        var body = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("https://", cluster.Issuer, StringComparison.Ordinal);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains(":assumed-role/app/tls-session</Arn>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untrusted_certificate_without_a_matching_thumbprint_is_refused()
    {
        await using var cluster = await KubeCluster.StartAsync(o => new IrsaServerOptions { DataDirectory = o.DataDirectory, ListenUrls = ["https://127.0.0.1:0"] });
        var roleArn = await FederateAsync(cluster, new string('0', 40));

        using var response = await AssumeAsync(cluster, roleArn);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>InvalidIdentityToken</Code>", body, StringComparison.Ordinal);
        Assert.Contains("Couldn't retrieve verification key", body, StringComparison.Ordinal);
    }

    private static string Thumbprint(IrsaTestServer server)
    {
        // The top certificate the server presents is the local intermediate CA (the root is never sent).
        using var authority = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(server.DataDirectory.FullName, "intermediate-ca.pem")));
        return ThumbprintTrust.Thumbprint(authority);
    }

    private static async Task<string> FederateAsync(KubeCluster cluster, string thumbprint)
    {
        var host = cluster.Issuer["https://".Length..];
        using var provider = await cluster.Server.SendSignedAsync(HttpMethod.Post, "/", "iam",
            $"Action=CreateOpenIDConnectProvider&Version=2010-05-08&Url={Uri.EscapeDataString(cluster.Issuer)}&ClientIDList.member.1=sts.amazonaws.com&ThumbprintList.member.1={thumbprint}");
        Assert.True(provider.IsSuccessStatusCode, await provider.Content.ReadAsStringAsync());
        var providerArn = $"arn:aws:iam::{cluster.Server.AccountId}:oidc-provider/{host}";
        var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" + providerArn
            + "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{\"" + host + ":sub\":\"system:serviceaccount:default:app\"}}}]}";
        using var role = await cluster.Server.SendSignedAsync(HttpMethod.Post, "/", "iam",
            $"Action=CreateRole&Version=2010-05-08&RoleName=app&AssumeRolePolicyDocument={Uri.EscapeDataString(trust)}");
        Assert.True(role.IsSuccessStatusCode, await role.Content.ReadAsStringAsync());
        await cluster.CreateServiceAccountAsync("default", "app");
        return $"arn:aws:iam::{cluster.Server.AccountId}:role/app";
    }

    private static async Task<HttpResponseMessage> AssumeAsync(KubeCluster cluster, string roleArn)
    {
        var pod = await cluster.CreatePodAsync("default", "app-1", "app");
        var token = await cluster.TokenAsync("default", "app",
            $"{{\"audiences\":[\"sts.amazonaws.com\"],\"boundObjectRef\":{{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"app-1\",\"uid\":\"{pod["metadata"]!["uid"]}\"}}}}");
        return await cluster.Server.Http.PostAsync("/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = roleArn,
            ["RoleSessionName"] = "tls-session",
            ["WebIdentityToken"] = token,
        }));
    }
}
