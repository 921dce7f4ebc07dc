using Irsa.Cluster.Errors;

namespace Irsa.Kubernetes;

/// <summary>
/// Carries a client-facing <see cref="KubernetesStatus"/> out of nested request handling; the API entry point turns it
/// into the response. Thrown before any write is committed, so a failed request changes nothing.
/// </summary>
internal sealed class KubernetesStatusException(KubernetesStatus status) : Exception(status.Message)
{
    public KubernetesStatus Status { get; } = status;
}
