using System.Text;
using Irsa.Cluster.Errors;
using k8s;

namespace Irsa.Kubernetes;

/// <summary>A handler's answer before the pipeline adds headers: an object as KubernetesClient wire JSON, or a failure Status.</summary>
internal sealed record KubernetesReply(int StatusCode, byte[] Body, KubernetesStatus? Failure = null)
{
    public static KubernetesReply Object(int statusCode, object value) => new(statusCode, Encoding.UTF8.GetBytes(KubernetesJson.Serialize(value)));

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
            new("Content-Type", JsonContentType),
        ];
        headers.AddRange(warnings.Select(w => new KeyValuePair<string, string>(KubernetesWarning.HeaderName, KubernetesWarning.FormatHeaderValue(w))));
        return new KubernetesHttpResponse(reply.StatusCode, headers, reply.Body);
    }
}
