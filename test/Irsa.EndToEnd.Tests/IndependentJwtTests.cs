using System.Diagnostics;
using System.Text.Json.Nodes;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>Tokens from Irsa verified by PyJWT through discovery only: an implementation no one here wrote, in another language.</summary>
public sealed class IndependentJwtTests(HeadlineDemo demo) : IClassFixture<HeadlineDemo>
{
    [Fact]
    public async Task Pyjwt_verifies_a_projected_token_through_discovery()
    {
        using var kube = await KubeApi.FromKubeconfigAsync(demo.Irsa, "demo");
        var (_, token) = await kube.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/reader/token", new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenRequest",
            ["spec"] = new JsonObject { ["audiences"] = new JsonArray("sts.amazonaws.com"), ["expirationSeconds"] = 3600 },
        });
        var described = await demo.Irsa.AwsAsync("eks", "describe-cluster", "--name", "demo", "--query", "cluster.identity.oidc.issuer", "--output", "text");
        var issuer = described.StandardOutput.Trim();

        var result = await RunWithStdinAsync("/usr/bin/python3", [Path.Combine(Tool.RepositoryRoot, "test/clients/python/verify_token.py"), issuer, "sts.amazonaws.com"],
            token["status"]!["token"]!.GetValue<string>());

        Assert.True(result.ExitCode == 0, result.ToString());
        var verified = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("system:serviceaccount:default:reader", verified["claims"]!["sub"]!.GetValue<string>());
        Assert.Equal("[\"sts.amazonaws.com\"]", verified["claims"]!["aud"]!.ToJsonString());
        Assert.Null(verified["header"]!["typ"]);
    }

    private static async Task<ToolResult> RunWithStdinAsync(string file, string[] arguments, string input)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
