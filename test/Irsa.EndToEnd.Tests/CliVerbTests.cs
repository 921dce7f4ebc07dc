using System.Text.Json.Nodes;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>The friendly verbs as a user types them: JSON and table output, clear one-line errors, exit codes.</summary>
public sealed class CliVerbTests(IrsaProcess irsa) : IClassFixture<IrsaProcess>
{
    [Fact]
    public async Task Cluster_verbs_create_list_describe_rotate_and_delete()
    {
        var created = await irsa.IrsaAsync("cluster", "create", "verbs", "--signing-algorithm", "ES256", "--output", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var issuer = JsonNode.Parse(created.StandardOutput)!["cluster"]!["identity"]!["oidc"]!["issuer"]!.GetValue<string>();

        var table = await irsa.IrsaAsync("cluster", "list");
        var before = await new HttpClient().GetStringAsync(issuer + "/keys");
        var rotated = await irsa.IrsaAsync("cluster", "rotate-keys", "verbs");
        var after = await new HttpClient().GetStringAsync(issuer + "/keys");
        var deleted = await irsa.IrsaAsync("cluster", "delete", "verbs");
        var described = await irsa.IrsaAsync("cluster", "describe", "verbs");

        Assert.Matches(@"^NAME\s+STATUS\s+ISSUER\s+ENDPOINT", table.StandardOutput);
        Assert.Contains("verbs", table.StandardOutput, StringComparison.Ordinal);
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Single(JsonNode.Parse(before)!["keys"]!.AsArray());
        // The new key is published at once; the old one stays until its tokens have expired.
        Assert.Equal(2, JsonNode.Parse(after)!["keys"]!.AsArray().Count);
        Assert.All(JsonNode.Parse(after)!["keys"]!.AsArray(), k => Assert.Equal("ES256", k!["alg"]!.GetValue<string>()));
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(1, described.ExitCode);
        Assert.Equal("irsa: ResourceNotFoundException: No cluster found for name: verbs.", described.StandardError.Trim());
    }

    [Fact]
    public async Task Errors_are_one_line_with_a_non_zero_exit_code()
    {
        var noProvider = await irsa.IrsaAsync("iam", "create-service-account", "--cluster", "nowhere", "--name", "x", "--role-name", "x",
            "--policy-file", "/dev/null");
        var missingFlag = await irsa.IrsaAsync("iam", "create-service-account", "--cluster", "nowhere", "--name", "x", "--role-name", "x");
        var unreachable = await irsa.IrsaAsync("cluster", "list", "--endpoint", "http://127.0.0.1:9");

        Assert.NotEqual(0, noProvider.ExitCode);
        Assert.StartsWith("irsa: ", noProvider.StandardError, StringComparison.Ordinal);
        Assert.Single(noProvider.StandardError.Trim().Split('\n'));
        Assert.Contains("--attach-policy-arn", missingFlag.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, unreachable.ExitCode);
        Assert.StartsWith("irsa: cannot reach the Irsa server", unreachable.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", unreachable.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubeconfig_reaches_the_clusters_kubernetes_api()
    {
        await irsa.IrsaAsync("cluster", "create", "kc");
        using var kube = await KubeApi.FromKubeconfigAsync(irsa, "kc");

        var (status, namespaces) = await kube.SendAsync(HttpMethod.Get, "/api/v1/namespaces");

        Assert.Equal(200, status);
        Assert.Contains("default", namespaces["items"]!.AsArray().Select(n => n!["metadata"]!["name"]!.GetValue<string>()));
    }
}
