namespace Irsa.Cluster.TokenReviews;

/// <summary>A live cluster object as far as token validation cares: its UID and pending deletion.</summary>
/// <param name="Uid">The object's current UID.</param>
/// <param name="DeletionTimestamp">When deletion was requested, if it was.</param>
public sealed record ClusterObjectInfo(string Uid, DateTimeOffset? DeletionTimestamp = null);

/// <summary>Looks up the objects a bound token refers to; return <see langword="null"/> when an object does not exist.</summary>
public interface IClusterObjectLookup
{
    /// <summary>The service account <paramref name="name"/> in <paramref name="namespace"/>.</summary>
    ValueTask<ClusterObjectInfo?> GetServiceAccountAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The pod <paramref name="name"/> in <paramref name="namespace"/>.</summary>
    ValueTask<ClusterObjectInfo?> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The secret <paramref name="name"/> in <paramref name="namespace"/>.</summary>
    ValueTask<ClusterObjectInfo?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The node <paramref name="name"/>.</summary>
    ValueTask<ClusterObjectInfo?> GetNodeAsync(string name, CancellationToken cancellationToken);
}
