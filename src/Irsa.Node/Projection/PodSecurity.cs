namespace Irsa.Node.Projection;

/// <summary>
/// The parts of a pod's security context that decide who owns a projected token and its directory.
/// </summary>
public sealed record PodSecurity
{
    /// <summary>A pod with no security context: tokens are 0644, owned by the node agent.</summary>
    public static PodSecurity None { get; } = new();

    /// <summary>Pod-level <c>securityContext.runAsUser</c>, the default for every container.</summary>
    public long? RunAsUser { get; init; }

    /// <summary>
    /// Each container's own <c>securityContext.runAsUser</c> (null when unset), init and ephemeral
    /// containers included. Empty means "one process that runs as <see cref="RunAsUser"/>".
    /// </summary>
    public IReadOnlyList<long?> ContainerRunAsUsers { get; init; } = [];

    /// <summary>Pod-level <c>securityContext.fsGroup</c>.</summary>
    public long? FsGroup { get; init; }
}
