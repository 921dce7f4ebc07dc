using Irsa.Core.Caching;

namespace Irsa.Storage.Caching;

/// <summary>
/// Documents of one collection read as an immutable type, deserialized once per stored document rather than on every
/// read. The store answers repeated reads with the same <see cref="StoredDocument"/> object until a write replaces it
/// (<see cref="DocumentCache"/>), so a kept view answers only while the store still hands back the object it was read
/// from; a changed document is a new object and is read again. Without a store cache every read is a new object, and
/// every read deserializes, as before.
/// </summary>
/// <typeparam name="T">A type nobody mutates after reading it (a record of read-only members): readers share one instance.</typeparam>
public sealed class DocumentViews<T>(IDocumentStore store, string collection, int capacity = DocumentCache.MaxEntriesPerCollection)
    where T : class
{
    private readonly BoundedCache<string, View> _views = new(capacity);

    /// <summary>The document under <paramref name="key"/> as <typeparamref name="T"/>, or <c>null</c> when there is none.</summary>
    public async Task<T?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var document = await store.GetAsync(collection, key, cancellationToken);
        if (document is null)
        {
            return null;
        }

        if (_views.TryGetValue(key, out var view) && ReferenceEquals(view.Document, document))
        {
            return view.Value;
        }

        var value = document.Read<T>();
        if (value is not null)
        {
            _views.Set(key, new View(document, value));
        }

        return value;
    }

    private sealed record View(StoredDocument Document, T Value);
}
