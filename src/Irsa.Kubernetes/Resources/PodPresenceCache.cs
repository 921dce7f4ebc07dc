using System.Collections.Concurrent;

namespace Irsa.Kubernetes;

/// <summary>
/// Pods recently seen in the store (key → uid), for the pod-liveness check on every token exchange.
/// </summary>
/// <remarks>
/// Every pod write path of this process forgets the affected keys at once (pod create and delete, namespace and
/// cluster deletion), so a pod deleted through this node stops its tokens immediately; a deletion made on another
/// node of a shared PostgreSQL deployment is seen within <see cref="Lifetime"/>.
/// </remarks>
public sealed class PodPresenceCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (string Uid, long At)> _pods = new(StringComparer.Ordinal);

    public bool TryGet(string key, out string uid)
    {
        if (_pods.TryGetValue(key, out var entry) && time.GetElapsedTime(entry.At) < Lifetime)
        {
            uid = entry.Uid;
            return true;
        }

        uid = "";
        return false;
    }

    public void Remember(string key, string uid) => _pods[key] = (uid, time.GetTimestamp());

    /// <summary>Forgets every pod whose store key starts with <paramref name="keyPrefix"/> (one pod, a namespace, a cluster).</summary>
    public void Forget(string keyPrefix)
    {
        foreach (var key in _pods.Keys)
        {
            if (key.StartsWith(keyPrefix, StringComparison.Ordinal))
            {
                _pods.TryRemove(key, out _);
            }
        }
    }
}
