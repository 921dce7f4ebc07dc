using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Irsa.Server.Tests.Cluster;

/// <summary>One HTTP answer of a cluster's Kubernetes API.</summary>
public sealed record KubeResponse(HttpStatusCode Status, string Body, IReadOnlyList<string> Warnings)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(Body)!;

    public int Code => (int)Status;
}

/// <summary>A running server with one cluster and its admin token, and raw calls to the cluster's Kubernetes API.</summary>
public sealed class KubeCluster : IAsyncDisposable
{
    private KubeCluster(IrsaTestServer server, JsonObject cluster, string adminToken)
    {
        Server = server;
        Cluster = cluster;
        AdminToken = adminToken;
    }

    public IrsaTestServer Server { get; }

    public JsonObject Cluster { get; }

    public string AdminToken { get; }

    public string Id => Cluster["id"]!.GetValue<string>();

    public string Endpoint => Cluster["endpoint"]!.GetValue<string>();

    public string Issuer => EksCalls.Issuer(Cluster);

    /// <summary>The CA DescribeCluster publishes in <c>certificateAuthority.data</c> (base64 PEM).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 CertificateAuthority =>
        System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            Encoding.UTF8.GetString(Convert.FromBase64String(Cluster["certificateAuthority"]!["data"]!.GetValue<string>())));

    public static async Task<KubeCluster> StartAsync(Func<IrsaServerOptions, IrsaServerOptions>? configure = null)
    {
        var server = await IrsaTestServer.StartAsync(configure: configure);
        return await ForAsync(server);
    }

    public static async Task<KubeCluster> ForAsync(IrsaTestServer server, string name = "demo")
    {
        var cluster = await EksCalls.CreateClusterAsync(server, name);
        return new KubeCluster(server, cluster, await EksCalls.AdminTokenAsync(server, name));
    }

    /// <summary>A cluster that already exists on <paramref name="server"/> (disposing it stops the server).</summary>
    public static async Task<KubeCluster> ExistingAsync(IrsaTestServer server, string name)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var response = await server.SendSignedAsync(HttpMethod.Get, "/clusters/" + name, "eks");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return new KubeCluster(server, (JsonObject)JsonNode.Parse(body)!["cluster"]!, await EksCalls.AdminTokenAsync(server, name));
    }

    public Task<KubeResponse> GetAsync(string path, string? token = null) => SendAsync(HttpMethod.Get, path, null, token: token);

    public Task<KubeResponse> PostAsync(string path, string body, string? token = null) => SendAsync(HttpMethod.Post, path, body, token: token);

    public Task<KubeResponse> PutAsync(string path, string body) => SendAsync(HttpMethod.Put, path, body);

    public Task<KubeResponse> PatchAsync(string path, string body, string contentType = "application/merge-patch+json") =>
        SendAsync(HttpMethod.Patch, path, body, contentType);

    public Task<KubeResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    /// <summary>Sends a request with the admin bearer token, or <paramref name="token"/> ("" for none).</summary>
    public async Task<KubeResponse> SendAsync(HttpMethod method, string path, string? body, string contentType = "application/json", string? token = null)
    {
        using var request = new HttpRequestMessage(method, Endpoint + path);
        token ??= AdminToken;
        if (token.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await Server.Http.SendAsync(request);
        var warnings = response.Headers.TryGetValues("Warning", out var values) ? values.ToList() : [];
        return new KubeResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), warnings);
    }

    public async Task<JsonObject> CreateServiceAccountAsync(string ns, string name, string? annotations = null)
    {
        var metadata = annotations is null ? $"{{\"name\":\"{name}\"}}" : $"{{\"name\":\"{name}\",\"annotations\":{annotations}}}";
        var response = await PostAsync($"/api/v1/namespaces/{ns}/serviceaccounts",
            $"{{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{metadata}}}");
        Assert.True(response.Status == HttpStatusCode.Created, response.Body);
        return response.Json;
    }

    public async Task<JsonObject> CreatePodAsync(string ns, string name, string serviceAccount = "default", string? nodeName = "node-1")
    {
        var node = nodeName is null ? "" : $",\"nodeName\":\"{nodeName}\"";
        var response = await PostAsync($"/api/v1/namespaces/{ns}/pods",
            $"{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"{name}\"}},\"spec\":{{\"serviceAccountName\":\"{serviceAccount}\"{node},\"containers\":[{{\"name\":\"app\",\"image\":\"busybox\"}}]}}}}");
        Assert.True(response.Status == HttpStatusCode.Created, response.Body);
        return response.Json;
    }

    /// <summary>Requests a token for <paramref name="account"/>; <paramref name="spec"/> is the TokenRequest spec JSON.</summary>
    public Task<KubeResponse> RequestTokenAsync(string ns, string account, string spec = "{}", string? token = null) =>
        PostAsync($"/api/v1/namespaces/{ns}/serviceaccounts/{account}/token",
            $"{{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{spec}}}", token);

    public async Task<string> TokenAsync(string ns, string account, string spec = "{}")
    {
        var response = await RequestTokenAsync(ns, account, spec);
        Assert.True(response.Status == HttpStatusCode.Created, response.Body);
        return response.Json["status"]!["token"]!.GetValue<string>();
    }

    public async Task<JsonObject> ReviewAsync(string token, string? audiences = null)
    {
        var audienceJson = audiences is null ? "" : $",\"audiences\":{audiences}";
        var response = await PostAsync("/apis/authentication.k8s.io/v1/tokenreviews",
            $"{{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{{\"token\":\"{token}\"{audienceJson}}}}}");
        Assert.True(response.Status == HttpStatusCode.Created, response.Body);
        return (JsonObject)response.Json["status"]!;
    }

    /// <summary>Decodes a JWT's payload as raw JSON text (to check exact key order).</summary>
    public static string Payload(string token) =>
        Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
