using System.Globalization;
using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;
using Irsa.Core.Security;
using Irsa.Storage;
using k8s;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// Stored Kubernetes objects and each cluster's revision: every write takes the cluster's next revision (a monotonic
/// counter, like etcd's), which becomes the object's <c>metadata.resourceVersion</c> and the key of the change it
/// records for watches.
/// </summary>
/// <remarks>
/// The revision counter is one document per cluster whose optimistic version is the revision, so a write transaction
/// and its revision commit or fail together. Changes are kept for the last <see cref="RetainedChanges"/> revisions; a
/// watch from an older revision is answered 410 Gone, as kube-apiserver answers once etcd compacted it.
/// </remarks>
internal static class KubernetesObjectStore
{
    public const string Revisions = "k8s-revisions";
    public const string Changes = "k8s-changes";
    public const int RetainedChanges = 1000;

    public static T Read<T>(StoredDocument document) => KubernetesJson.Deserialize<T>(document.Json);

    public static JsonObject ReadJson(StoredDocument document) => (JsonObject)JsonNode.Parse(document.Json)!;

    /// <summary>The cluster's current revision: what a list answers as its resourceVersion.</summary>
    public static async Task<long> RevisionAsync(IDocumentStore store, string clusterId, CancellationToken cancellationToken) =>
        (await store.GetAsync(Revisions, clusterId, cancellationToken))?.Version ?? 0;

    public static string ChangeKey(string clusterId, long revision) =>
        clusterId + "/" + revision.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>
    /// Stores <paramref name="value"/> under the cluster's next revision (set as its resourceVersion) and records the
    /// change. <paramref name="expectedVersion"/> is the document precondition (0: must not exist).
    /// </summary>
    public static async Task<long> PutAsync(IDocumentSession session, string clusterId, ResourceType type, string key, JsonObject value,
        long? expectedVersion, string changeType)
    {
        var revision = await NextRevisionAsync(session, clusterId);
        Metadata(value)["resourceVersion"] = Version(revision);
        await session.PutAsync(type.Collection, key, value.ToJsonString(), expectedVersion);
        await RecordAsync(session, clusterId, revision, changeType, type, value);
        return revision;
    }

    /// <summary>Deletes an object and records its deletion at the cluster's next revision.</summary>
    public static async Task DeleteAsync(IDocumentSession session, string clusterId, ResourceType type, string key, JsonObject value)
    {
        var revision = await NextRevisionAsync(session, clusterId);
        await session.DeleteAsync(type.Collection, key);
        Metadata(value)["resourceVersion"] = Version(revision);
        await RecordAsync(session, clusterId, revision, WatchEventTypes.Deleted, type, value);
    }

    /// <summary>Typed convenience over <see cref="PutAsync"/> for seeding.</summary>
    public static Task<long> PutAsync<T>(IDocumentSession session, string clusterId, ResourceType type, string key, T value, long? expectedVersion) =>
        PutAsync(session, clusterId, type, key, KubernetesRequest.ToJson(value!), expectedVersion, WatchEventTypes.Added);

    /// <summary>The object or a 404 Status (<c>RESOURCE "NAME" not found</c>).</summary>
    public static async Task<(JsonObject Value, long Version)> GetAsync(IDocumentSession session, ResourceType type, string key, string name)
    {
        var document = await session.GetAsync(type.Collection, key)
            ?? throw new KubernetesStatusException(KubernetesStatus.NotFound(type.Group, type.Plural, name));
        return (ReadJson(document), document.Version);
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
        metadata.Uid = Uuid.NewVersion4().ToString();
        metadata.CreationTimestamp = now;
        metadata.ResourceVersion = null;
        metadata.DeletionTimestamp = null;
        metadata.DeletionGracePeriodSeconds = null;
        metadata.Generation = null;
        metadata.SelfLink = null;
    }

    /// <summary>The string at <paramref name="property"/> of <paramref name="value"/>; empty when either is absent or it is not a string.</summary>
    public static string Text(JsonObject? value, string property) =>
        value?[property] is JsonValue text && text.TryGetValue<string>(out var s) ? s : "";

    public static JsonObject Metadata(JsonObject value)
    {
        if (value["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = [];
        value["metadata"] = metadata;
        return metadata;
    }

    public static string Version(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    private static Task<long> NextRevisionAsync(IDocumentSession session, string clusterId) => session.PutAsync(Revisions, clusterId, "{}");

    private static async Task RecordAsync(IDocumentSession session, string clusterId, long revision, string changeType, ResourceType type, JsonObject value)
    {
        var change = new JsonObject
        {
            ["type"] = changeType,
            ["group"] = type.Group,
            ["resource"] = type.Plural,
            ["object"] = value.DeepClone(),
        };
        await session.PutAsync(Changes, ChangeKey(clusterId, revision), change.ToJsonString(), expectedVersion: 0);
        if (revision > RetainedChanges)
        {
            await session.DeleteAsync(Changes, ChangeKey(clusterId, revision - RetainedChanges));
        }
    }
}

/// <summary>The <c>type</c> values of watch events.</summary>
internal static class WatchEventTypes
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";
}
