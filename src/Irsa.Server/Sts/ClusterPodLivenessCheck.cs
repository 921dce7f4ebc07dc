using Irsa.Server.Cluster;
using Irsa.Server.Cluster.Kubernetes;
using Irsa.Storage;
using Irsa.Sts.WebIdentity;
using k8s.Models;

namespace Irsa.Server.Sts;

/// <summary>
/// For tokens minted by this server's clusters: the bound pod must still exist with the same uid (as TokenReview
/// requires). Tokens of any other issuer are not this check's business.
/// </summary>
public sealed class ClusterPodLivenessCheck(ClusterService clusters, IDocumentStore store) : IPodLivenessCheck
{
    public async ValueTask<PodLiveness> CheckAsync(PodBinding pod, CancellationToken cancellationToken)
    {
        var prefix = clusters.PublicUrl + "/id/";
        if (!pod.Issuer.StartsWith(prefix, StringComparison.Ordinal))
        {
            return PodLiveness.NotApplicable;
        }

        // One read: a pod of a deleted cluster is gone too (its objects are deleted with it).
        var clusterId = pod.Issuer[prefix.Length..];
        var stored = KubernetesObjects.Read<V1Pod>(await store.GetAsync(KubernetesObjects.Pods,
            KubernetesObjects.ObjectKey(clusterId, pod.Namespace, pod.PodName), cancellationToken));
        return stored?.Metadata?.Uid == pod.PodUid ? PodLiveness.Alive : PodLiveness.Gone;
    }
}
