using System.Text.Json;

namespace Irsa.Storage;

/// <summary>Typed helpers over the JSON document contract.</summary>
public static class DocumentStoreExtensions
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The document's JSON as <typeparamref name="T"/> (<c>null</c> for a JSON <c>null</c>).</summary>
    public static T? Read<T>(this StoredDocument document) => JsonSerializer.Deserialize<T>(document.Json, JsonOptions);

    public static async Task<T?> GetAsync<T>(this IDocumentSession session, string collection, string key)
        where T : class
    {
        var document = await session.GetAsync(collection, key);
        return document?.Read<T>();
    }

    public static async Task<T?> GetAsync<T>(this IDocumentStore store, string collection, string key, CancellationToken cancellationToken = default)
        where T : class
    {
        var document = await store.GetAsync(collection, key, cancellationToken);
        return document?.Read<T>();
    }

    public static async Task<IReadOnlyList<T>> ListAsync<T>(this IDocumentStore store, string collection, string keyPrefix = "",
        CancellationToken cancellationToken = default)
    {
        var documents = await store.ListAsync(collection, keyPrefix, null, int.MaxValue, cancellationToken);
        return [.. documents.Select(d => d.Read<T>()!)];
    }

    public static async Task<IReadOnlyList<T>> ListAsync<T>(this IDocumentSession session, string collection, string keyPrefix = "")
    {
        var documents = await session.ListAsync(collection, keyPrefix);
        return [.. documents.Select(d => d.Read<T>()!)];
    }

    public static Task<long> PutAsync<T>(this IDocumentSession session, string collection, string key, T value, long? expectedVersion = null) =>
        session.PutAsync(collection, key, JsonSerializer.Serialize(value, JsonOptions), expectedVersion);

    /// <summary>Runs a transaction that returns nothing.</summary>
    public static Task TransactAsync(this IDocumentStore store, Func<IDocumentSession, Task> work, CancellationToken cancellationToken = default) =>
        store.TransactAsync(async session =>
        {
            await work(session);
            return true;
        }, cancellationToken);
}
