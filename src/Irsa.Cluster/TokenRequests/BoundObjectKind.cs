namespace Irsa.Cluster.TokenRequests;

/// <summary>What a TokenRequest's <c>spec.boundObjectRef</c> points at, so the caller knows what to look up.</summary>
public enum BoundObjectKind
{
    /// <summary>No bound object.</summary>
    None,

    /// <summary>A core/v1 Pod in the service account's namespace (look up the pod, then its <c>spec.nodeName</c> node).</summary>
    Pod,

    /// <summary>A core/v1 Secret in the service account's namespace.</summary>
    Secret,

    /// <summary>A core/v1 Node (cluster-scoped).</summary>
    Node,

    /// <summary>Any other kind or group; rejected with 400, nothing to look up.</summary>
    Unsupported,
}
