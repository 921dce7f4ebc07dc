using Irsa.Cluster.TokenReviews;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>The token reviewer's view of one cluster's objects in the document store (no secrets or nodes exist yet).</summary>
internal sealed class StoreClusterObjectLookup(IDocumentStore store, string clusterId) : IClusterObjectLookup
{
    public async ValueTask<ClusterObjectInfo?> GetServiceAccountAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Info(KubernetesObjects.Read<V1ServiceAccount>(
            await store.GetAsync(KubernetesObjects.ServiceAccounts, KubernetesObjects.ObjectKey(clusterId, @namespace, name), cancellationToken))?.Metadata);

    public async ValueTask<ClusterObjectInfo?> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Info(KubernetesObjects.Read<V1Pod>(
            await store.GetAsync(KubernetesObjects.Pods, KubernetesObjects.ObjectKey(clusterId, @namespace, name), cancellationToken))?.Metadata);

    public ValueTask<ClusterObjectInfo?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) => ValueTask.FromResult<ClusterObjectInfo?>(null);

    public ValueTask<ClusterObjectInfo?> GetNodeAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult<ClusterObjectInfo?>(null);

    private static ClusterObjectInfo? Info(V1ObjectMeta? metadata) => metadata is null
        ? null
        : new ClusterObjectInfo(metadata.Uid ?? "", metadata.DeletionTimestamp is { } deleted ? new DateTimeOffset(DateTime.SpecifyKind(deleted, DateTimeKind.Utc)) : null);
}
