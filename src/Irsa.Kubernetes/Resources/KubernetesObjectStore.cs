using Irsa.Cluster.Errors;
using Irsa.Storage;
using k8s;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// Typed reads of stored Kubernetes objects. <c>metadata.resourceVersion</c> is always the document's optimistic
/// version, so a client's resourceVersion is exactly the precondition the store checks on write.
/// </summary>
internal static class KubernetesObjectStore
{
    public static T Read<T>(StoredDocument document)
        where T : IMetadata<V1ObjectMeta>
    {
        var value = KubernetesJson.Deserialize<T>(document.Json);
        value.Metadata ??= new V1ObjectMeta();
        value.Metadata.ResourceVersion = KubernetesRequest.Version(document.Version);
        return value;
    }

    /// <summary>The object or a 404 Status (<c>RESOURCE "NAME" not found</c>).</summary>
    public static async Task<(T Value, long Version)> GetAsync<T>(IDocumentSession session, string collection, string key, string resource, string name)
        where T : IMetadata<V1ObjectMeta>
    {
        var document = await session.GetAsync(collection, key) ?? throw new KubernetesStatusException(KubernetesStatus.NotFound("", resource, name));
        return (Read<T>(document), document.Version);
    }

    /// <summary>Items under <paramref name="prefix"/> and the list's resourceVersion (the newest item version).</summary>
    public static async Task<(List<T> Items, string ResourceVersion)> ListAsync<T>(IDocumentStore store, string collection, string prefix, CancellationToken cancellationToken)
        where T : IMetadata<V1ObjectMeta>
    {
        var documents = await store.ListAsync(collection, prefix, cancellationToken: cancellationToken);
        var version = documents.Count == 0 ? 0 : documents.Max(d => d.Version);
        return ([.. documents.Select(Read<T>)], KubernetesRequest.Version(version));
    }

    /// <summary>Stores <paramref name="value"/> without its resourceVersion (the store's version is the source of truth).</summary>
    public static async Task<long> WriteAsync<T>(IDocumentSession session, string collection, string key, T value, long expectedVersion)
        where T : IMetadata<V1ObjectMeta>
    {
        var resourceVersion = value.Metadata.ResourceVersion;
        value.Metadata.ResourceVersion = null;
        var version = await KubernetesObjects.WriteAsync(session, collection, key, value, expectedVersion);
        value.Metadata.ResourceVersion = resourceVersion;
        return version;
    }

    public static async Task EnsureNamespaceAsync(IDocumentSession session, string clusterId, string ns)
    {
        if (await session.GetAsync(KubernetesObjects.Namespaces, KubernetesObjects.NamespaceKey(clusterId, ns)) is null)
        {
            throw new KubernetesStatusException(KubernetesStatus.NotFound("", "namespaces", ns));
        }
    }

    /// <summary>Fresh server-owned metadata for a created object: uid, creation time, no deletion or version fields.</summary>
    public static void InitializeMetadata(V1ObjectMeta metadata, string? ns, DateTime now)
    {
        metadata.NamespaceProperty = ns;
        metadata.Uid = Guid.NewGuid().ToString();
        metadata.CreationTimestamp = now;
        metadata.ResourceVersion = null;
        metadata.DeletionTimestamp = null;
        metadata.DeletionGracePeriodSeconds = null;
        metadata.Generation = null;
        metadata.SelfLink = null;
    }
}
