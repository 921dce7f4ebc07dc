using Irsa.Cluster.Errors;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// Mutating admission for pods created through a cluster's Kubernetes API: the extension point where the pod-identity
/// webhook logic runs in-process.
/// </summary>
/// <remarks>
/// Called after defaulting and the ServiceAccount admission checks (the pod's namespace, name and
/// <c>spec.serviceAccountName</c> are set and the service account exists), and before the pod is stored. The server
/// keeps the pod's identity (name, namespace, uid) whatever the admission returns. To reject a pod, throw
/// <see cref="PodAdmissionException"/>; nothing is stored then.
/// </remarks>
public interface IPodAdmission
{
    /// <summary>Returns the pod to store: <paramref name="pod"/> itself or a mutated copy.</summary>
    Task<V1Pod> AdmitAsync(string clusterId, V1Pod pod, CancellationToken cancellationToken);
}

/// <summary>An admission refused a pod; the status is returned to the client as-is.</summary>
public sealed class PodAdmissionException(KubernetesStatus status) : Exception(status?.Message)
{
    public KubernetesStatus Status { get; } = status ?? throw new ArgumentNullException(nameof(status));
}

/// <summary>The default admission: admits every pod unchanged (registered unless a real admission is).</summary>
public sealed class PassThroughPodAdmission : IPodAdmission
{
    public Task<V1Pod> AdmitAsync(string clusterId, V1Pod pod, CancellationToken cancellationToken) => Task.FromResult(pod);
}
