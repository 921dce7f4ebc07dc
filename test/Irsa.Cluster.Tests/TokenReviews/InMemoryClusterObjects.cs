using Irsa.Cluster.TokenReviews;

namespace Irsa.Cluster.Tests.TokenReviews;

/// <summary>Dictionary-backed lookup for reviewer tests.</summary>
internal sealed class InMemoryClusterObjects : IClusterObjectLookup
{
    public Dictionary<string, ClusterObjectInfo> ServiceAccounts { get; } = [];

    public Dictionary<string, ClusterObjectInfo> Pods { get; } = [];

    public Dictionary<string, ClusterObjectInfo> Secrets { get; } = [];

    public Dictionary<string, ClusterObjectInfo> Nodes { get; } = [];

    public ValueTask<ClusterObjectInfo?> GetServiceAccountAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ServiceAccounts.GetValueOrDefault(@namespace + "/" + name));

    public ValueTask<ClusterObjectInfo?> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Pods.GetValueOrDefault(@namespace + "/" + name));

    public ValueTask<ClusterObjectInfo?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Secrets.GetValueOrDefault(@namespace + "/" + name));

    public ValueTask<ClusterObjectInfo?> GetNodeAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Nodes.GetValueOrDefault(name));
}
