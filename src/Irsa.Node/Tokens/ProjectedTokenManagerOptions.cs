namespace Irsa.Node.Tokens;

/// <summary>Settings of a <see cref="ProjectedTokenManager"/>.</summary>
public sealed class ProjectedTokenManagerOptions
{
    /// <summary>
    /// The node-wide directory that holds one directory per pod (named by pod UID). Created 0711 when
    /// missing: pod users may traverse it but not list it. It must be writable only by the agent.
    /// </summary>
    public required string RootDirectory { get; init; }

    /// <summary>How often the background loop re-checks tokens (the kubelet's pod sync period: 1 minute).</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromMinutes(1);
}
