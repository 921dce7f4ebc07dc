using System.Text.Json.Nodes;

namespace Irsa.Cli.Commands.Pod;

/// <summary>Reaches a cluster's Kubernetes API as its admin (endpoint and a fresh admin token from the EKS API).</summary>
internal sealed class ClusterAccess
{
    private ClusterAccess(Client.IrsaClient client, string endpoint, string token)
    {
        Client = client;
        Endpoint = endpoint;
        Token = token;
    }

    public Client.IrsaClient Client { get; }

    public string Endpoint { get; }

    public string Token { get; }

    public static async Task<ClusterAccess> OpenAsync(Client.IrsaClient client, string cluster, CancellationToken cancellationToken)
    {
        var path = "/clusters/" + Uri.EscapeDataString(cluster);
        var described = (JsonObject)(await client.EksAsync(HttpMethod.Get, path, null, cancellationToken))["cluster"]!;
        var token = await client.EksAsync(HttpMethod.Post, path + "/admin-token", new JsonObject(), cancellationToken);
        client.Certificates.TrustClusterAuthority(described.Text("certificateAuthority.data"));
        return new ClusterAccess(client, described.Text("endpoint")!, token.Text("token")!);
    }

    /// <summary>Sends a Kubernetes API call; a failure becomes a <see cref="CliError"/> carrying the Status message.</summary>
    public async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken, params int[] allowedStatus)
    {
        var (status, text) = await Client.KubernetesAsync(Endpoint, Token, method, path, body?.ToJsonString(), cancellationToken);
        if (status >= 300 && !allowedStatus.Contains(status))
        {
            var message = Parse(text)?.Text("message") ?? text;
            throw new CliError($"Kubernetes API {method} {path}: {status} {message}");
        }

        return Parse(text) ?? [];
    }

    /// <summary>Creates the service account with the annotation, or adds the annotation to an existing one.</summary>
    public static async Task AnnotateServiceAccountAsync(Client.IrsaClient client, string cluster, string ns, string name, string key, string value,
        CancellationToken cancellationToken)
    {
        var access = await OpenAsync(client, cluster, cancellationToken);
        var path = $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/serviceaccounts";
        var existing = await access.SendAsync(HttpMethod.Get, path + "/" + Uri.EscapeDataString(name), null, cancellationToken, 404);
        if (existing.Text("kind") == "Status")
        {
            await access.SendAsync(HttpMethod.Post, path, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ServiceAccount",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["annotations"] = new JsonObject { [key] = value } },
            }, cancellationToken);
            return;
        }

        var metadata = (JsonObject)existing["metadata"]!;
        var annotations = metadata["annotations"] as JsonObject ?? [];
        annotations[key] = value;
        metadata["annotations"] = annotations.DeepClone();
        await access.SendAsync(HttpMethod.Put, path + "/" + Uri.EscapeDataString(name), existing, cancellationToken);
    }

    private static JsonObject? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
