using System.Text.Json;
using Irsa.Kubernetes;
using Irsa.Server.Cluster;
using Irsa.Storage;
using Irsa.Sts.WebIdentity;

namespace Irsa.Server.Sts;

/// <summary>
/// For tokens minted by this server's clusters: the bound pod must still exist with the same uid (as TokenReview
/// requires). Tokens of any other issuer are not this check's business.
/// </summary>
public sealed class ClusterPodLivenessCheck(ClusterService clusters, IDocumentStore store, PodPresenceCache presence) : IPodLivenessCheck
{
    public async ValueTask<PodLiveness> CheckAsync(PodBinding pod, CancellationToken cancellationToken)
    {
        var prefix = clusters.PublicUrl + "/id/";
        if (!pod.Issuer.StartsWith(prefix, StringComparison.Ordinal))
        {
            return PodLiveness.NotApplicable;
        }

        // One read at most: a pod of a deleted cluster is gone too (its objects are deleted with it).
        var key = KubernetesObjects.ObjectKey(pod.Issuer[prefix.Length..], pod.Namespace, pod.PodName);
        if (!presence.TryGet(key, out var uid))
        {
            var stored = await store.GetAsync(KubernetesObjects.Pods, key, cancellationToken);
            if (stored is null || PodUid(stored.Json) is not { } storedUid)
            {
                return PodLiveness.Gone;
            }

            presence.Remember(key, storedUid);
            uid = storedUid;
        }

        return uid == pod.PodUid ? PodLiveness.Alive : PodLiveness.Gone;
    }

    /// <summary>Reads only <c>metadata.uid</c>: this runs on every token exchange, a full pod decode is wasted work.</summary>
    private static string? PodUid(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("uid", out var uid)
            ? uid.GetString()
            : null;
    }
}
