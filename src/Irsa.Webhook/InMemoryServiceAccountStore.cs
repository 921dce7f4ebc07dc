using System.Collections.Concurrent;

namespace Irsa.Webhook;

/// <summary>
/// A thread-safe in-memory <see cref="IServiceAccountLookup"/>. Tests seed it directly; Irsa's
/// own cluster feeds it from its ServiceAccount store; <see cref="KubernetesServiceAccountCache"/>
/// feeds it from a watch.
/// </summary>
public sealed class InMemoryServiceAccountStore : IServiceAccountLookup
{
    private readonly ConcurrentDictionary<string, ServiceAccountInfo> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly ServiceAccountAnnotationParser? _parser;
    private readonly TimeProvider _time;

    /// <summary>Creates a store; <paramref name="parser"/> is needed only for <see cref="SetAnnotations"/>.</summary>
    public InMemoryServiceAccountStore(ServiceAccountAnnotationParser? parser = null, TimeProvider? timeProvider = null)
    {
        _parser = parser;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Raised the first time any ServiceAccount is added (upstream's <c>pod_identity_webhook_used</c> gauge).</summary>
    public event EventHandler? FirstServiceAccountAdded;

    /// <summary>Number of cached ServiceAccounts.</summary>
    public int Count => _entries.Count;

    /// <summary>A copy of every entry, keyed <c>namespace/name</c> (for debug endpoints).</summary>
    public IReadOnlyDictionary<string, ServiceAccountInfo> Snapshot() => new Dictionary<string, ServiceAccountInfo>(_entries, StringComparer.Ordinal);

    /// <summary>Adds or replaces an already-parsed entry and wakes anyone waiting for it.</summary>
    public void Set(string @namespace, string name, ServiceAccountInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var key = Key(@namespace, name);
        var wasEmpty = _entries.IsEmpty;
        _entries[key] = info;
        if (wasEmpty)
        {
            FirstServiceAccountAdded?.Invoke(this, EventArgs.Empty);
        }

        if (_waiters.TryRemove(key, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>Adds or replaces an entry from raw ServiceAccount annotations.</summary>
    public void SetAnnotations(string @namespace, string name, IDictionary<string, string>? annotations)
    {
        var parser = _parser ?? throw new InvalidOperationException("This store was created without an annotation parser.");
        Set(@namespace, name, parser.Parse(annotations));
    }

    /// <summary>Removes an entry (ServiceAccount deleted).</summary>
    public bool Remove(string @namespace, string name) => _entries.TryRemove(Key(@namespace, name), out _);

    /// <summary>
    /// Replaces the whole content with <paramref name="entries"/> (a fresh list from the API
    /// server), dropping accounts that no longer exist and waking waiters for new ones.
    /// </summary>
    public void ReplaceAll(IEnumerable<KeyValuePair<(string Namespace, string Name), ServiceAccountInfo>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ((ns, name), info) in entries)
        {
            keep.Add(Key(ns, name));
            Set(ns, name, info);
        }

        foreach (var key in _entries.Keys)
        {
            if (!keep.Contains(key))
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Removes every entry.</summary>
    public void Clear() => _entries.Clear();

    /// <inheritdoc />
    public ServiceAccountInfo? Find(string @namespace, string name) =>
        _entries.TryGetValue(Key(@namespace, name), out var info) ? info : null;

    /// <inheritdoc />
    public async Task<ServiceAccountInfo?> WaitForAsync(string @namespace, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var key = Key(@namespace, name);

        // One notifier per key, shared by every waiter, as upstream does.
        var waiter = _waiters.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        // Re-check after registering so an add that raced with registration is not missed.
        if (Find(@namespace, name) is { } found)
        {
            return found;
        }

        try
        {
            await waiter.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The key comes from an unauthenticated request: a notifier nobody resolved must not stay forever.
            // Another waiter may still hold it; a later Set then finds none and that waiter re-checks on timeout.
            _waiters.TryRemove(KeyValuePair.Create(key, waiter));
            return Find(@namespace, name);
        }
        catch (OperationCanceledException)
        {
            _waiters.TryRemove(KeyValuePair.Create(key, waiter));
            throw;
        }

        return Find(@namespace, name);
    }

    /// <summary>Number of keys someone is waiting for.</summary>
    public int WaiterCount => _waiters.Count;

    /// <summary>True while someone waits for <c>namespace/name</c>.</summary>
    public bool HasWaiter(string @namespace, string name) => _waiters.ContainsKey(Key(@namespace, name));

    private static string Key(string @namespace, string name) => @namespace + "/" + name;
}
