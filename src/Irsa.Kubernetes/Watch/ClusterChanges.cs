using System.Collections.Concurrent;

namespace Irsa.Kubernetes;

/// <summary>
/// Wakes this process's watches when a cluster's objects change. Watches also poll the change log on their own, so a
/// change committed by another node sharing the store is seen within <see cref="WatchHandler.PollInterval"/>.
/// </summary>
public sealed class ClusterChanges
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next change of the cluster; take it before reading the change log.</summary>
    public Task Next(string clusterId) =>
        _signals.GetOrAdd(clusterId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(string clusterId)
    {
        if (_signals.TryRemove(clusterId, out var signal))
        {
            signal.TrySetResult();
        }
    }
}
