using System.Text.Json.Nodes;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// The AWS SDK for .NET v4, configured only the way a pod is (web identity env vars + the STS endpoint override),
/// using a real projected token of a pod; and the token stops working once its pod is deleted.
/// </summary>
public sealed class DotnetSdkTests(HeadlineDemo demo) : IClassFixture<HeadlineDemo>
{
    [Fact]
    public async Task Dotnet_sdk_default_chain_gets_the_role_and_a_deleted_pods_token_is_refused()
    {
        using var kube = await KubeApi.FromKubeconfigAsync(demo.Irsa, "demo");
        var (podStatus, pod) = await kube.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "dotnet-app" },
            ["spec"] = new JsonObject
            {
                ["serviceAccountName"] = "reader",
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "app" }),
            },
        });
        Assert.True(podStatus == 201, pod.ToJsonString());
        var (tokenStatus, tokenRequest) = await kube.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/reader/token", new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenRequest",
            ["spec"] = new JsonObject
            {
                ["audiences"] = new JsonArray("sts.amazonaws.com"),
                ["expirationSeconds"] = 86400,
                ["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = "dotnet-app", ["uid"] = pod["metadata"]!["uid"]!.GetValue<string>() },
            },
        });
        Assert.True(tokenStatus == 201, tokenRequest.ToJsonString());
        var token = tokenRequest["status"]!["token"]!.GetValue<string>();
        var tokenFile = Path.Combine(demo.Irsa.Home.FullName, "dotnet-token");
        await File.WriteAllTextAsync(tokenFile, token);

        var environment = new Dictionary<string, string?>
        {
            ["AWS_ROLE_ARN"] = demo.ReaderRoleArn,
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
            ["AWS_ROLE_SESSION_NAME"] = "dotnet-app",
            ["AWS_ENDPOINT_URL_STS"] = demo.Irsa.Endpoint,
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_CONFIG_FILE"] = Path.Combine(demo.Irsa.Home.FullName, "no-config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(demo.Irsa.Home.FullName, "no-credentials"),
        };
        var saved = environment.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (key, value) in environment)
            {
                Environment.SetEnvironmentVariable(key, value);
            }

            using var sts = new AmazonSecurityTokenServiceClient();
            var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

            Assert.EndsWith(":assumed-role/reader/dotnet-app", identity.Arn, StringComparison.Ordinal);
            Assert.StartsWith("AROA", identity.UserId, StringComparison.Ordinal);
            Assert.EndsWith(":dotnet-app", identity.UserId, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var (key, value) in saved)
            {
                Environment.SetEnvironmentVariable(key, value);
            }
        }

        // Beyond AWS: once the pod is gone, its still-unexpired token no longer buys credentials.
        var (deleted, _) = await kube.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/pods/dotnet-app");
        Assert.Equal(200, deleted);
        using var http = new HttpClient();
        using var response = await http.PostAsync(demo.Irsa.Endpoint + "/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = demo.ReaderRoleArn,
            ["RoleSessionName"] = "after-delete",
            ["WebIdentityToken"] = token,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("<Code>InvalidIdentityToken</Code>", body, StringComparison.Ordinal);
    }
}
