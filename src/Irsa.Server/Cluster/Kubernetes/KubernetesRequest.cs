using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Cluster.Kubernetes;

/// <summary>One authenticated, authorized request to a cluster's Kubernetes API, as the resource handlers see it.</summary>
internal sealed class KubernetesRequest(HttpContext http, ClusterRecord cluster, KubernetesRoute route, V1UserInfo user)
{
    public HttpContext Http { get; } = http;

    public ClusterRecord Cluster { get; } = cluster;

    public string ClusterId => Cluster.Id;

    public KubernetesRoute Route { get; } = route;

    public V1UserInfo User { get; } = user;

    /// <summary>Warnings for the response's <c>Warning</c> headers (sent with success and failure alike).</summary>
    public List<string> Warnings { get; } = [];

    public CancellationToken Aborted => Http.RequestAborted;

    public FieldValidation FieldValidation => KubernetesDecoder.ParseFieldValidation(Http.Request.Query["fieldValidation"].ToString());

    public async Task<byte[]> ReadBodyAsync()
    {
        using var buffer = new MemoryStream();
        await Http.Request.Body.CopyToAsync(buffer, Aborted);
        return buffer.ToArray();
    }

    /// <summary>Reads and decodes the body as <typeparamref name="T"/> (kind/apiVersion checked, unknown fields per <c>fieldValidation</c>).</summary>
    public async Task<T> ReadObjectAsync<T>(string kind, string apiVersion)
    {
        var validation = FieldValidation;
        var json = KubernetesDecoder.ParseObject(await ReadBodyAsync(), kind);
        return KubernetesDecoder.Decode<T>(json, kind, apiVersion, validation, Warnings);
    }

    public Task WriteAsync(int statusCode, object value) => KubernetesResponses.WriteObjectAsync(Http, statusCode, value, Warnings);

    /// <summary>Now, in whole seconds (Kubernetes timestamps have no fractions).</summary>
    public static DateTime Now(TimeProvider time) => DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds()).UtcDateTime;

    public static string Version(long version) => version.ToString(CultureInfo.InvariantCulture);

    public static JsonObject ToJson(object value) => (JsonObject)JsonNode.Parse(k8s.KubernetesJson.Serialize(value))!;
}
