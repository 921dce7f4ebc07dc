using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Irsa.Server.Tests.Cluster;

namespace Irsa.Server.Tests.Webhook;

/// <summary>End to end: a pod created through an Irsa cluster's Kubernetes API comes back mutated.</summary>
public sealed class ClusterPodAdmissionTests
{
    [Fact]
    public async Task PodCreatedThroughTheClusterApi_GetsWebIdentityCredentials()
    {
        await using var server = await IrsaTestServer.StartAsync();
        var cluster = await EksCalls.CreateClusterAsync(server, "hooked");
        var token = await EksCalls.AdminTokenAsync(server, "hooked");
        var api = cluster["endpoint"]!.GetValue<string>().TrimEnd('/');

        using (var account = await PostAsync(server, token, api + "/api/v1/namespaces/default/serviceaccounts",
            """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"reader","annotations":{"eks.amazonaws.com/role-arn":""" + "\"" + WebhookTestData.RoleArn + "\"}}}"))
        {
            Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync());
        }

        using var pod = await PostAsync(server, token, api + "/api/v1/namespaces/default/pods",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"serviceAccountName":"reader","containers":[{"name":"web","image":"amazonlinux"}]}}""");
        var body = await pod.Content.ReadAsStringAsync();

        Assert.True(pod.IsSuccessStatusCode, body);
        var created = JsonNode.Parse(body)!;
        var env = created["spec"]!["containers"]![0]!["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("AWS_ROLE_ARN", env);
        Assert.Contains("AWS_WEB_IDENTITY_TOKEN_FILE", env);
        Assert.Contains(created["spec"]!["volumes"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "aws-iam-token");
    }

    private static async Task<HttpResponseMessage> PostAsync(IrsaTestServer server, string token, string url, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await server.Http.SendAsync(request);
    }
}
