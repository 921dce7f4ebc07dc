using Irsa.Storage;

namespace Irsa.Iam.Common;

/// <summary>Typed reads that keep the document version, for optimistic writes and version-keyed caches.</summary>
internal static class StoreExtensions
{
    public static async Task<Versioned<T>?> GetVersionedAsync<T>(this IDocumentSession session, string collection, string key)
        where T : class
    {
        var document = await session.GetAsync(collection, key);
        return document is null ? null : new Versioned<T>(Deserialize<T>(document), document.Version);
    }

    public static async Task<Versioned<T>?> GetVersionedAsync<T>(this IDocumentStore store, string collection, string key, CancellationToken cancellationToken)
        where T : class
    {
        var document = await store.GetAsync(collection, key, cancellationToken);
        return document is null ? null : new Versioned<T>(Deserialize<T>(document), document.Version);
    }

    public static async Task<IReadOnlyList<T>> ListRecordsAsync<T>(this IDocumentStore store, string collection, string keyPrefix, CancellationToken cancellationToken)
        where T : class
    {
        var documents = await store.ListAsync(collection, keyPrefix, null, int.MaxValue, cancellationToken);
        return [.. documents.Select(Deserialize<T>)];
    }

    public static T Deserialize<T>(StoredDocument document) =>
        document.Read<T>()
        ?? throw new InvalidDataException($"Document {document.Collection}/{document.Key} is empty.");
}

/// <summary>A record with the store version it was read at.</summary>
internal sealed record Versioned<T>(T Value, long Version);
