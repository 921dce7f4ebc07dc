using System.Collections.Concurrent;

namespace Irsa.Storage.Caching;

/// <summary>
/// Reads outside transactions, served from memory until a committed write touches their collection. Every signed AWS call
/// reads the same few documents (the access key, the caller's policies, a bucket and its policy), and a read through a
/// pooled SQLite connection costs more than the rest of a small call.
/// </summary>
/// <remarks>
/// Correct only when the process hears of every write to the database: its own, and other nodes' through
/// <see cref="SqlDialect.WatchOtherWriters"/>, which <see cref="Suspend"/>s the cache while it cannot listen. Each
/// collection has a generation, bumped after a write to it commits; a reader takes the generation before it reads the
/// database and files its answer under it, and an entry answers only while its generation is current. So a write that
/// commits while a read is under way leaves that read's answer unused, and once a writer's call returns, no later read
/// sees the old document. Bounded: a collection holding more than <see cref="MaxEntriesPerCollection"/> entries starts
/// over, and large documents and long lists are never kept.
/// </remarks>
public sealed class DocumentCache
{
    /// <summary>Entries per collection before it starts over (a few MB of JSON at most).</summary>
    public const int MaxEntriesPerCollection = 4096;

    /// <summary>Lists longer than this go to the database every time (object listings, not the small lists of IAM).</summary>
    public const int MaxListLength = 64;

    /// <summary>Documents larger than this (characters of JSON) are not kept.</summary>
    public const int MaxDocumentLength = 64 * 1024;

    private readonly ConcurrentDictionary<string, Collection> _collections = new(StringComparer.Ordinal);
    private volatile bool _suspended;

    /// <summary>A cache that answers nothing until <see cref="Resume"/> (for a watcher still connecting).</summary>
    public static DocumentCache Suspended() => new() { _suspended = true };

    /// <summary>The current generation of <paramref name="collection"/>; take it before reading the database.</summary>
    public long Generation(string collection) => Volatile.Read(ref For(collection).Generation);

    public bool TryGet(string collection, string key, out StoredDocument? document)
    {
        var cached = For(collection);
        if (!_suspended && cached.Documents.TryGetValue(key, out var entry) && entry.Generation == Volatile.Read(ref cached.Generation))
        {
            document = entry.Value;
            return true;
        }

        document = null;
        return false;
    }

    public void Add(string collection, string key, long generation, StoredDocument? document)
    {
        if (document is null || document.Json.Length <= MaxDocumentLength)
        {
            Store(For(collection), c => c.Documents, key, new Entry<StoredDocument?>(generation, document));
        }
    }

    public bool TryList(string collection, ListQuery query, out IReadOnlyList<StoredDocument> documents)
    {
        var cached = For(collection);
        if (!_suspended && cached.Lists.TryGetValue(query, out var entry) && entry.Generation == Volatile.Read(ref cached.Generation))
        {
            documents = entry.Value;
            return true;
        }

        documents = [];
        return false;
    }

    public void AddList(string collection, ListQuery query, long generation, IReadOnlyList<StoredDocument> documents)
    {
        if (documents.Count <= MaxListLength && documents.All(d => d.Json.Length <= MaxDocumentLength))
        {
            // A copy of its own, read-only: the caller may change the list it was given.
            Store(For(collection), c => c.Lists, query, new Entry<IReadOnlyList<StoredDocument>>(generation, documents.ToList().AsReadOnly()));
        }
    }

    /// <summary>Called after a write to these collections committed: what was kept for them no longer answers.</summary>
    public void Invalidate(IEnumerable<string> collections)
    {
        foreach (var name in collections)
        {
            var cached = For(name);
            Interlocked.Increment(ref cached.Generation);
            cached.Documents.Clear();
            cached.Lists.Clear();
        }
    }

    /// <summary>Writes may go unheard from now on (a watcher lost its connection): answer nothing, keep nothing.</summary>
    public void Suspend()
    {
        _suspended = true;
        Invalidate(_collections.Keys);
    }

    /// <summary>Every write is heard again; what was kept before may have missed some.</summary>
    public void Resume()
    {
        Invalidate(_collections.Keys);
        _suspended = false;
    }

    private Collection For(string collection) => _collections.GetOrAdd(collection, static _ => new Collection());

    private static void Store<TKey, TValue>(Collection cached, Func<Collection, ConcurrentDictionary<TKey, Entry<TValue>>> map, TKey key,
        Entry<TValue> entry)
        where TKey : notnull
    {
        var entries = map(cached);
        if (entries.Count >= MaxEntriesPerCollection)
        {
            entries.Clear();
        }

        entries[key] = entry;
    }

    /// <summary>A list read's arguments, the key of its cached answer.</summary>
    public readonly record struct ListQuery(string KeyPrefix, string? AfterKey, int Limit);

    private sealed record Entry<T>(long Generation, T Value);

    private sealed class Collection
    {
        public long Generation;
        public readonly ConcurrentDictionary<string, Entry<StoredDocument?>> Documents = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<ListQuery, Entry<IReadOnlyList<StoredDocument>>> Lists = new();
    }
}
