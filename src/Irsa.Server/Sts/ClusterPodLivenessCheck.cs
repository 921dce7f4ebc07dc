using System.Text.Json;
using Irsa.Kubernetes;
using Irsa.Server.Cluster;
using Irsa.Storage;
using Irsa.Sts.WebIdentity;

namespace Irsa.Server.Sts;

/// <summary>
/// For tokens minted by this server's clusters: the bound pod must still exist with the same uid (as TokenReview
/// requires); a token bound to no pod needs its service account to exist with the same uid (as kube-apiserver checks
/// its own tokens), so deleting the account revokes them. Tokens of any other issuer are not this check's business.
/// </summary>
public sealed class ClusterPodLivenessCheck(ClusterService clusters, IDocumentStore store, PodPresenceCache presence) : IPodLivenessCheck
{
    public async ValueTask<PodLiveness> CheckAsync(PodBinding pod, CancellationToken cancellationToken)
    {
        if (ClusterId(pod.Issuer) is not { } clusterId)
        {
            return PodLiveness.NotApplicable;
        }

        // One read at most: a pod of a deleted cluster is gone too (its objects are deleted with it).
        var key = KubernetesObjects.ObjectKey(clusterId, pod.Namespace, pod.PodName);
        if (!presence.TryGet(key, out var uid))
        {
            var stored = await store.GetAsync(KubernetesObjects.Pods, key, cancellationToken);
            if (stored is null || ObjectUid(stored.Json) is not { } storedUid)
            {
                return PodLiveness.Gone;
            }

            presence.Remember(key, storedUid);
            uid = storedUid;
        }

        return uid == pod.PodUid ? PodLiveness.Alive : PodLiveness.Gone;
    }

    public async ValueTask<PodLiveness> CheckServiceAccountAsync(ServiceAccountBinding account, CancellationToken cancellationToken)
    {
        if (ClusterId(account.Issuer) is not { } clusterId)
        {
            return PodLiveness.NotApplicable;
        }

        var stored = await store.GetAsync(KubernetesObjects.ServiceAccounts, KubernetesObjects.ObjectKey(clusterId, account.Namespace, account.Name), cancellationToken);
        return stored is not null && ObjectUid(stored.Json) == account.Uid ? PodLiveness.Alive : PodLiveness.Gone;
    }

    /// <summary>The id of the cluster of this server that minted tokens of <paramref name="issuer"/>; <c>null</c> for other issuers.</summary>
    private string? ClusterId(string issuer)
    {
        var prefix = clusters.PublicUrl + "/id/";
        return issuer.StartsWith(prefix, StringComparison.Ordinal) ? issuer[prefix.Length..] : null;
    }

    /// <summary>Reads only <c>metadata.uid</c>: this runs on every token exchange, a full pod decode is wasted work.</summary>
    private static string? ObjectUid(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("uid", out var uid)
            ? uid.GetString()
            : null;
    }
}
