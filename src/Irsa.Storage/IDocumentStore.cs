namespace Irsa.Storage;

/// <summary>
/// The persistence boundary of Irsa: versioned JSON documents addressed by (collection, key), with
/// optimistic concurrency and serializable transactions.
/// </summary>
/// <remarks>
/// Note: the contract is deliberately small and portable (no SQL, no backend-specific types) so that the
/// embedded SQLite store and the PostgreSQL store behave the same. Keys compare ordinally; callers
/// normalise keys that must be unique case-insensitively (IAM role names) before using them.
/// </remarks>
public interface IDocumentStore : IAsyncDisposable
{
    /// <summary>Runs <paramref name="work"/> in one serializable transaction; it commits when the delegate returns.</summary>
    /// <exception cref="ConcurrencyConflictException">An expected version did not match.</exception>
    Task<T> TransactAsync<T>(Func<IDocumentSession, Task<T>> work, CancellationToken cancellationToken = default);

    /// <summary>Reads one document outside any transaction.</summary>
    Task<StoredDocument?> GetAsync(string collection, string key, CancellationToken cancellationToken = default);

    /// <summary>Lists documents of a collection whose key starts with <paramref name="keyPrefix"/>, in key order, after <paramref name="afterKey"/>.</summary>
    Task<IReadOnlyList<StoredDocument>> ListAsync(string collection, string keyPrefix = "", string? afterKey = null,
        int limit = int.MaxValue, CancellationToken cancellationToken = default);
}

/// <summary>The operations available inside a transaction.</summary>
public interface IDocumentSession
{
    Task<StoredDocument?> GetAsync(string collection, string key);

    Task<IReadOnlyList<StoredDocument>> ListAsync(string collection, string keyPrefix = "", string? afterKey = null, int limit = int.MaxValue);

    /// <summary>
    /// Inserts or replaces a document. <paramref name="expectedVersion"/>: <c>null</c> = unconditional,
    /// <c>0</c> = must not exist, <c>n</c> = must currently be at version n. Returns the new version.
    /// </summary>
    Task<long> PutAsync(string collection, string key, string json, long? expectedVersion = null);

    /// <summary>Deletes a document; returns false when it did not exist.</summary>
    Task<bool> DeleteAsync(string collection, string key);
}

/// <summary>A stored JSON document with its optimistic-concurrency version.</summary>
public sealed record StoredDocument(string Collection, string Key, long Version, string Json);

/// <summary>An expected version did not match: someone else changed the document first.</summary>
public sealed class ConcurrencyConflictException(string collection, string key)
    : Exception($"Document {collection}/{key} was changed concurrently.")
{
    public string Collection { get; } = collection;

    public string Key { get; } = key;
}
