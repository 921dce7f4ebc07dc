using k8s.Models;

namespace Irsa.Cluster.TokenRequests;

/// <summary>
/// One <c>POST /api/v1/namespaces/{namespace}/serviceaccounts/{name}/token</c> call, with the objects it refers to
/// already looked up by the caller (<see langword="null"/> means "not found").
/// </summary>
public sealed record TokenRequestInput
{
    /// <summary>Namespace from the URL.</summary>
    public required string Namespace { get; init; }

    /// <summary>Service account name from the URL.</summary>
    public required string ServiceAccountName { get; init; }

    /// <summary>The decoded request body.</summary>
    public required Authenticationv1TokenRequest Request { get; init; }

    /// <summary>The service account; <see langword="null"/> yields 404.</summary>
    public V1ServiceAccount? ServiceAccount { get; init; }

    /// <summary>The bound pod when <see cref="TokenRequestProcessor.GetBoundObjectKind"/> is <see cref="BoundObjectKind.Pod"/>.</summary>
    public V1Pod? Pod { get; init; }

    /// <summary>The bound secret when the kind is <see cref="BoundObjectKind.Secret"/>.</summary>
    public V1Secret? Secret { get; init; }

    /// <summary>
    /// The bound node (kind <see cref="BoundObjectKind.Node"/>), or the node named by the bound pod's <c>spec.nodeName</c>.
    /// For a pod whose node is not found, leave it <see langword="null"/>: the token then carries the node name only.
    /// </summary>
    public V1Node? Node { get; init; }
}
