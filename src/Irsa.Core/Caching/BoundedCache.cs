using System.Diagnostics.CodeAnalysis;

namespace Irsa.Core.Caching;

/// <summary>
/// A thread-safe cache that never holds more than <see cref="Capacity"/> entries: adding to a full cache evicts the
/// least recently used entry, and entries older than the optional lifetime are misses (and dropped when met).
/// </summary>
/// <remarks>
/// Every cache a request can fill must be one of these (or as strictly bounded), keyed by the canonical form of what
/// the request names: otherwise each new spelling of the same thing is a new entry an attacker can mint for free.
/// A lock around a dictionary and a recency list is plenty for the sizes and rates here (thousands of entries, one
/// lookup per token exchange).
/// </remarks>
public sealed class BoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _entries;
    private readonly LinkedList<Entry> _recency = new();
    private readonly TimeSpan? _lifetime;
    private readonly TimeProvider _time;

    /// <param name="capacity">Most entries held (at least 1).</param>
    /// <param name="lifetime">How long an entry stays valid after it was set; <c>null</c> for no expiry.</param>
    /// <param name="time">The clock for <paramref name="lifetime"/>.</param>
    /// <param name="comparer">Key equality; give the canonical form's comparer, never a looser one than the lookup behind the cache.</param>
    public BoundedCache(int capacity, TimeSpan? lifetime = null, TimeProvider? time = null, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _lifetime = lifetime;
        _time = time ?? TimeProvider.System;
        _entries = new Dictionary<TKey, LinkedListNode<Entry>>(comparer);
    }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The live value for <paramref name="key"/>, which becomes the most recently used.</summary>
    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (!IsExpired(node.Value))
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    value = node.Value.Value;
                    return true;
                }

                RemoveNode(node);
            }

            value = default;
            return false;
        }
    }

    /// <summary>Adds or replaces the value (its lifetime starts now), evicting the least recently used entry when full.</summary>
    public void Set(TKey key, TValue value)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                RemoveNode(existing);
            }
            else if (_entries.Count >= Capacity)
            {
                RemoveNode(_recency.Last!);
            }

            _entries[key] = _recency.AddFirst(new Entry(key, value, _time.GetTimestamp()));
        }
    }

    /// <summary>The live value for <paramref name="key"/>, or the one <paramref name="create"/> makes (under the lock: keep it cheap).</summary>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (_gate)
        {
            if (TryGetValue(key, out var value))
            {
                return value;
            }

            value = create(key);
            Set(key, value);
            return value;
        }
    }

    public bool Remove(TKey key)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return false;
            }

            RemoveNode(node);
            return true;
        }
    }

    /// <summary>Removes every entry whose key matches (e.g. all entries of one namespace).</summary>
    public void RemoveWhere(Func<TKey, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        lock (_gate)
        {
            foreach (var node in _entries.Values.Where(n => match(n.Value.Key)).ToList())
            {
                RemoveNode(node);
            }
        }
    }

    /// <summary>A snapshot of the values held (expired ones included), e.g. to dispose them.</summary>
    public IReadOnlyList<TValue> Values()
    {
        lock (_gate)
        {
            return [.. _recency.Select(e => e.Value)];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
        }
    }

    private bool IsExpired(Entry entry) => _lifetime is { } lifetime && _time.GetElapsedTime(entry.At) >= lifetime;

    private void RemoveNode(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.Key);
        _recency.Remove(node);
    }

    private sealed record Entry(TKey Key, TValue Value, long At);
}
