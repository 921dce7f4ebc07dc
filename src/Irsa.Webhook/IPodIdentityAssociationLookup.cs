namespace Irsa.Webhook;

/// <summary>
/// Where a host that admits the pods of several clusters learns which ServiceAccounts are enrolled in EKS Pod Identity
/// (in EKS: the pod identity associations; upstream reads them from <c>--watch-container-credentials-config</c>).
/// </summary>
public interface IPodIdentityAssociationLookup
{
    /// <summary>Whether <paramref name="serviceAccount"/> of <paramref name="namespace"/> in cluster <paramref name="clusterId"/> has an association.</summary>
    Task<bool> HasAssociationAsync(string clusterId, string @namespace, string serviceAccount, CancellationToken cancellationToken);
}
