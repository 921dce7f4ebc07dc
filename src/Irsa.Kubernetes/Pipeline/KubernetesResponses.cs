using System.Text;
using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;
using k8s;

namespace Irsa.Kubernetes;

/// <summary>A handler's answer before the pipeline adds headers: an object as KubernetesClient wire JSON, or a failure Status.</summary>
internal sealed record KubernetesReply(int StatusCode, byte[] Body, KubernetesStatus? Failure = null)
{
    /// <summary>For a streamed answer (watch), what writes the body after the headers are sent.</summary>
    public Func<Stream, CancellationToken, Task>? Stream { get; init; }

    /// <summary>The Content-Type when it is not plain JSON (aggregated discovery).</summary>
    public string ContentType { get; init; } = KubernetesResponses.JsonContentType;

    public static KubernetesReply Streamed(Func<Stream, CancellationToken, Task> body) => new(200, []) { Stream = body };

    public static KubernetesReply Object(int statusCode, object value) => new(statusCode, Encoding.UTF8.GetBytes(KubernetesJson.Serialize(value)));

    public static KubernetesReply Json(int statusCode, JsonNode value) => new(statusCode, Encoding.UTF8.GetBytes(value.ToJsonString()));

    public static KubernetesReply Status(KubernetesStatus status) => new(status.Code, status.ToJson(), status);
}

/// <summary>The headers every Kubernetes API response carries.</summary>
internal static class KubernetesResponses
{
    public const string JsonContentType = "application/json";

    public const string AuditIdHeader = "Audit-ID";

    public static KubernetesHttpResponse Build(KubernetesReply reply, string auditId, IReadOnlyList<string> warnings)
    {
        List<KeyValuePair<string, string>> headers =
        [
            new(AuditIdHeader, auditId),
            new("Cache-Control", "no-cache, private"),
            new("Content-Type", reply.ContentType),
        ];
        headers.AddRange(warnings.Select(w => new KeyValuePair<string, string>(KubernetesWarning.HeaderName, KubernetesWarning.FormatHeaderValue(w))));
        return new KubernetesHttpResponse(reply.StatusCode, headers, reply.Body);
    }
}
