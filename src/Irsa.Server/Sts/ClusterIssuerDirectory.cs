using System.Collections.Concurrent;
using Irsa.Server.Cluster;
using Irsa.Sts.WebIdentity;

namespace Irsa.Server.Sts;

/// <summary>
/// Names this server's cluster behind an issuer (<c>{public-url}/id/{ID}</c>) for pod attribution. A cluster id belongs to one
/// cluster for good (re-creating a name yields a new id), so names are cached without expiry.
/// </summary>
public sealed class ClusterIssuerDirectory(ClusterService clusters) : IClusterIssuerDirectory
{
    private const int MaxCachedNames = 1024;
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public async ValueTask<string?> FindClusterNameAsync(string issuer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var prefix = clusters.PublicUrl + "/id/";
        if (!issuer.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var clusterId = issuer[prefix.Length..];
        if (_names.TryGetValue(clusterId, out var name))
        {
            return name;
        }

        if (await clusters.FindByIdAsync(clusterId, cancellationToken) is not { } cluster)
        {
            return null;
        }

        if (_names.Count >= MaxCachedNames)
        {
            _names.Clear();
        }

        _names[clusterId] = cluster.Name;
        return cluster.Name;
    }
}
