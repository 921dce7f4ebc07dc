using Irsa.Cluster;
using Irsa.Cluster.Keys;
using Irsa.Cluster.Tokens;
using Irsa.Kubernetes;

namespace Irsa.Server.Cluster;

/// <summary>The clusters of <see cref="ClusterService"/>, as the Kubernetes API library finds them.</summary>
internal sealed class KubernetesClusterDirectory(ClusterService clusters) : IKubernetesClusterDirectory
{
    public async Task<IKubernetesCluster?> FindAsync(string clusterId, CancellationToken cancellationToken) =>
        await clusters.FindByIdAsync(clusterId, cancellationToken) is { } cluster ? new KubernetesClusterView(clusters, cluster) : null;
}

/// <summary>One stored cluster with the service that holds its key ring.</summary>
internal sealed class KubernetesClusterView(ClusterService clusters, ClusterRecord cluster) : IKubernetesCluster
{
    public string Id => cluster.Id;

    /// <summary>The stored cluster (its name, account and authentication mode, for EKS tokens and access entries).</summary>
    public ClusterRecord Record => cluster;

    public string Version => cluster.Version;

    public string ServerAddress => new Uri(clusters.KubernetesUrl).Authority;

    public ClusterIssuerOptions IssuerOptions => clusters.IssuerOptions(cluster.Id);

    public ServiceAccountTokenIssuer TokenIssuer => clusters.TokenIssuer;

    public IReadOnlyList<ClusterSigningKey> PublishedKeys() => clusters.PublishedKeys(cluster);

    public ClusterSigningKey SigningKey() => clusters.SigningKey(cluster);

    public Task RecordSignedAsync(string keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        clusters.RecordSignedAsync(cluster, keyId, expiresAt, cancellationToken);
}
