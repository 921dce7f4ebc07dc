using Irsa.Cluster;
using Irsa.Cluster.Keys;
using Irsa.Cluster.Tokens;

namespace Irsa.Kubernetes;

/// <summary>How the Kubernetes API finds the clusters it serves; the host implements it over its cluster records.</summary>
public interface IKubernetesClusterDirectory
{
    /// <summary>The cluster with this id, or null (the API answers 404 and writes no audit event).</summary>
    Task<IKubernetesCluster?> FindAsync(string clusterId, CancellationToken cancellationToken);
}

/// <summary>One cluster as its Kubernetes API needs it: identity, token flags and signing keys.</summary>
public interface IKubernetesCluster
{
    /// <summary>The cluster id: it names the store keys of the cluster's objects and its audit log.</summary>
    string Id { get; }

    /// <summary>Kubernetes <c>MAJOR.MINOR</c>, as <c>/version</c> reports it.</summary>
    string Version { get; }

    /// <summary>Host and port clients reach the API at (discovery's <c>serverAddressByClientCIDRs</c>).</summary>
    string ServerAddress { get; }

    /// <summary>The cluster's kube-apiserver token flags (issuer, API audiences, maximum expiration).</summary>
    ClusterIssuerOptions IssuerOptions { get; }

    /// <summary>Mints kube-apiserver-exact service account tokens.</summary>
    ServiceAccountTokenIssuer TokenIssuer { get; }

    /// <summary>The keys relying parties may meet; bearer tokens and TokenReviews are checked against them.</summary>
    IReadOnlyList<ClusterSigningKey> PublishedKeys();

    /// <summary>The key that signs now.</summary>
    ClusterSigningKey SigningKey();

    /// <summary>Records that <paramref name="keyId"/> signed a token valid until <paramref name="expiresAt"/> (key retention).</summary>
    Task RecordSignedAsync(string keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}
