using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// What the pipeline learns about one request as it goes (cluster, user, route, annotations, the decoded request
/// object): the audit step reads it whether the request succeeded or failed at any step.
/// </summary>
internal sealed class KubernetesExchange(KubernetesHttpRequest input, string auditId, DateTimeOffset receivedAt, CancellationToken aborted)
{
    public KubernetesHttpRequest Input { get; } = input;

    public string AuditId { get; } = auditId;

    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    public CancellationToken Aborted { get; } = aborted;

    /// <summary>What the path addresses, parsed up front (like kube-apiserver's request info) so even a 401 is audited with it.</summary>
    public KubernetesRoute? Route { get; } = KubernetesRoute.Parse(input.Method, input.Path, input.Query);

    public IKubernetesCluster? Cluster { get; set; }

    public V1UserInfo? User { get; set; }

    /// <summary>Warnings for the response's <c>Warning</c> headers (sent with success and failure alike).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Audit annotations from authentication, authorization and the handlers.</summary>
    public Dictionary<string, string> Annotations { get; } = new(StringComparer.Ordinal);

    /// <summary>The request body once a handler has read it.</summary>
    public byte[]? RequestBody { get; set; }

    /// <summary>
    /// The decoded request object's identity as the client sent it (before defaulting and admission); it completes the
    /// audit objectRef, e.g. with a created object's name.
    /// </summary>
    public RequestObjectIdentity? RequestObject { get; set; }
}

/// <summary>The identifying metadata of a request object, copied when it is decoded.</summary>
internal sealed record RequestObjectIdentity(string? Namespace, string? Name, string? Uid, string? ResourceVersion)
{
    public static RequestObjectIdentity Of(V1ObjectMeta metadata) => new(metadata.NamespaceProperty, metadata.Name, metadata.Uid, metadata.ResourceVersion);
}
