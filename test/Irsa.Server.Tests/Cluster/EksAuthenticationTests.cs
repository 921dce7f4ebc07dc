using System.Net;

namespace Irsa.Server.Tests.Cluster;

/// <summary>
/// EKS tokens (<c>aws eks get-token</c>) at a cluster's Kubernetes API: verified by Irsa's own SigV4 verifier against
/// this cluster's name, mapped through access entries, authorized by their access policies. Every attack is refused
/// with 401, as EKS refuses it.
/// </summary>
public sealed class EksAuthenticationTests
{
    private const string Namespaces = "/api/v1/namespaces";

    [Fact]
    public async Task Cli_token_of_the_creator_is_cluster_admin_through_the_bootstrap_entry()
    {
        await using var kube = await EksTokens.ClusterAsync(await IrsaTestServer.StartAsync(), "demo");
        var token = await EksTokens.FromCliAsync(kube.Server, "demo");
        Assert.StartsWith(kube.Server.Url + "/?Action=GetCallerIdentity&Version=2011-06-15&", EksTokens.Decode(token), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync(Namespaces, token)).Status);
        var created = await kube.PostAsync("/api/v1/namespaces/default/serviceaccounts", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"app"}}""", token);
        Assert.Equal(HttpStatusCode.Created, created.Status);
    }

    [Fact]
    public async Task Identity_without_an_access_entry_is_unauthorized()
    {
        await using var kube = await EksTokens.ClusterAsync(await IrsaTestServer.StartAsync(), "demo");
        var (_, stranger) = await EksTokens.RoleSessionAsync(kube, "stranger");

        var response = await kube.GetAsync(Namespaces, await EksTokens.FromCliAsync(kube.Server, "demo", stranger));
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("Unauthorized", response.Json["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task View_policy_lists_pods_and_cannot_create_them()
    {
        await using var kube = await EksTokens.ClusterAsync(await IrsaTestServer.StartAsync(), "demo");
        var (arn, viewer) = await EksTokens.RoleSessionAsync(kube, "viewer");
        await EksTokens.EksAsync(kube.Server, "create-access-entry", "--cluster-name", "demo", "--principal-arn", arn);
        await EksTokens.EksAsync(kube.Server, "associate-access-policy", "--cluster-name", "demo", "--principal-arn", arn,
            "--policy-arn", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "--access-scope", "type=cluster");
        var token = await EksTokens.FromCliAsync(kube.Server, "demo", viewer);

        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync("/api/v1/namespaces/default/pods", token)).Status);
        var create = await kube.PostAsync("/api/v1/namespaces/default/pods",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""", token);
        Assert.Equal(HttpStatusCode.Forbidden, create.Status);
        Assert.Contains($"User \"arn:aws:sts::{kube.Server.AccountId}:assumed-role/viewer/session\" cannot create resource \"pods\"", create.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // No secrets for View.
        Assert.Equal(HttpStatusCode.Forbidden, (await kube.GetAsync("/api/v1/namespaces/default/secrets", token)).Status);
    }

    [Fact]
    public async Task Namespace_scoped_edit_works_only_in_its_namespaces()
    {
        await using var kube = await EksTokens.ClusterAsync(await IrsaTestServer.StartAsync(), "demo");
        Assert.Equal(HttpStatusCode.Created, (await kube.PostAsync(Namespaces, """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}}""")).Status);
        var (arn, editor) = await EksTokens.RoleSessionAsync(kube, "editor");
        await EksTokens.EksAsync(kube.Server, "create-access-entry", "--cluster-name", "demo", "--principal-arn", arn, "--username", "editor");
        await EksTokens.EksAsync(kube.Server, "associate-access-policy", "--cluster-name", "demo", "--principal-arn", arn,
            "--policy-arn", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", "--access-scope", "type=namespace,namespaces=team-*");
        var token = await EksTokens.FromCliAsync(kube.Server, "demo", editor);
        const string ServiceAccount = """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"app"}}""";

        Assert.Equal(HttpStatusCode.Created, (await kube.PostAsync("/api/v1/namespaces/team-a/serviceaccounts", ServiceAccount, token)).Status);
        var elsewhere = await kube.PostAsync("/api/v1/namespaces/default/serviceaccounts", ServiceAccount, token);
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.Status);
        Assert.Contains("User \"editor\" cannot create resource \"serviceaccounts\" in API group \"\" in the namespace \"default\"",
            elsewhere.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // Namespace scope never covers cluster-scoped resources.
        Assert.Equal(HttpStatusCode.Forbidden, (await kube.GetAsync(Namespaces, token)).Status);
    }

    [Fact]
    public async Task Token_is_accepted_for_fifteen_minutes_after_its_date_then_refused()
    {
        await using var kube = await EksTokens.ClusterAsync(await IrsaTestServer.StartAsync(), "demo");
        var now = DateTimeOffset.UtcNow;

        var fourteen = EksTokens.Presign(kube.Server.Admin, kube.Server.Url + "/", "demo", now.AddMinutes(-14));
        var sixteen = EksTokens.Presign(kube.Server.Admin, kube.Server.Url + "/", "demo", now.AddMinutes(-16));

        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync(Namespaces, fourteen)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await kube.GetAsync(Namespaces, sixteen)).Status);
    }

    [Fact]
    public async Task Forged_and_misdirected_tokens_are_refused()
    {
        var server = await IrsaTestServer.StartAsync();
        await using var kube = await EksTokens.ClusterAsync(server, "demo");
        await EksTokens.ClusterAsync(server, "other");
        var other = await KubeCluster.ExistingAsync(server, "other");
        var now = DateTimeOffset.UtcNow;
        var admin = server.Admin;
        var good = EksTokens.Presign(admin, server.Url + "/", "demo", now);
        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync(Namespaces, good)).Status);

        var url = EksTokens.Decode(good);
        var attacks = new Dictionary<string, string>
        {
            // A token presigned for cluster "other" is not one for "demo", and a "demo" token is refused by "other".
            ["other cluster id"] = EksTokens.Presign(admin, server.Url + "/", "other", now),
            ["another host"] = EksTokens.Presign(admin, "https://sts.evil.example/", "demo", now),
            ["x-k8s-aws-id unsigned"] = EksTokens.Presign(admin, server.Url + "/", "demo", now, signClusterId: false),
            ["tampered signature"] = EksTokens.Encode(url[..^4] + (url.EndsWith("0000", StringComparison.Ordinal) ? "1111" : "0000")),
            ["extra parameter"] = EksTokens.Encode(url + "&Extra=1"),
            ["repeated parameter"] = EksTokens.Encode(url + "&Action=GetCallerIdentity"),
            ["another action"] = EksTokens.Encode(url.Replace("Action=GetCallerIdentity", "Action=GetSessionToken", StringComparison.Ordinal)),
            ["unknown key"] = EksTokens.Presign(new Irsa.SigV4.SigV4Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), server.Url + "/", "demo", now),
            ["not base64"] = "k8s-aws-v1.%%%",
            ["oversized"] = "k8s-aws-v1." + new string('A', 5000),
        };
        foreach (var (name, token) in attacks)
        {
            var response = await kube.GetAsync(Namespaces, token);
            Assert.True(response.Status == HttpStatusCode.Unauthorized, $"{name}: {response.Code} {response.Body}");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync(Namespaces, good)).Status);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(Namespaces, EksTokens.Presign(admin, server.Url + "/", "other", now))).Status);
    }

    [Fact]
    public async Task Projected_pod_token_for_sts_is_refused_by_the_kubernetes_api()
    {
        await using var kube = await EksTokens.ClusterAsync(await IrsaTestServer.StartAsync(), "demo");
        var pod = await kube.CreatePodAsync("default", "p");
        var uid = pod["metadata"]!["uid"]!.GetValue<string>();
        var token = await kube.TokenAsync("default", "default",
            $"{{\"audiences\":[\"sts.amazonaws.com\"],\"boundObjectRef\":{{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"p\",\"uid\":\"{uid}\"}}}}");

        Assert.Equal(HttpStatusCode.Unauthorized, (await kube.GetAsync(Namespaces, token)).Status);
    }

    [Fact]
    public async Task Config_map_cluster_maps_only_its_creator()
    {
        await using var kube = await EksTokens.ClusterAsync(await IrsaTestServer.StartAsync(), "legacy", "CONFIG_MAP");
        var (_, someone) = await EksTokens.RoleSessionAsync(kube, "someone");

        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync(Namespaces, await EksTokens.FromCliAsync(kube.Server, "legacy"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await kube.GetAsync(Namespaces, await EksTokens.FromCliAsync(kube.Server, "legacy", someone))).Status);
    }
}
