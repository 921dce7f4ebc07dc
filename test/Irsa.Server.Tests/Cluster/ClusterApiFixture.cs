using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Irsa.Server.Tests.Cluster;

/// <summary>EKS calls through the signed admin client, shared by the cluster tests.</summary>
public static class EksCalls
{
    public static async Task<JsonObject> CreateClusterAsync(IrsaTestServer server, string name, string? algorithm = null)
    {
        var tags = algorithm is null ? "" : $",\"tags\":{{\"irsa:signing-algorithm\":\"{algorithm}\"}}";
        using var response = await server.SendSignedAsync(HttpMethod.Post, "/clusters", "eks",
            $"{{\"name\":\"{name}\",\"roleArn\":\"arn:aws:iam::{server.AccountId}:role/eks\",\"resourcesVpcConfig\":{{\"subnetIds\":[\"subnet-1\"]}}{tags}}}",
            "application/json");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return (JsonObject)JsonNode.Parse(body)!["cluster"]!;
    }

    public static async Task<string> AdminTokenAsync(IrsaTestServer server, string name)
    {
        using var response = await server.SendSignedAsync(HttpMethod.Post, $"/clusters/{name}/admin-token", "eks", "{}", "application/json");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }

    public static string Issuer(JsonObject cluster) => cluster["identity"]!["oidc"]!["issuer"]!.GetValue<string>();
}
