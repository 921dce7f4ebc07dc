namespace Irsa.Node.Projection;

/// <summary>
/// Mode and ownership of a pod's projected token files and of the directories that hold them.
/// </summary>
/// <param name="FileMode">The exact mode of each token file.</param>
/// <param name="DirectoryMode">The mode of the pod and volume directories: 0700, or 0750 with a group.</param>
/// <param name="Uid">The owning uid when the pod has a single process user, else null (the agent's uid).</param>
/// <param name="Gid">The owning gid (the pod's fsGroup), else null (the agent's gid).</param>
public sealed record TokenFileAccess(UnixFileMode FileMode, UnixFileMode DirectoryMode, long? Uid, long? Gid)
{
    /// <summary>The projected volume's default <c>defaultMode</c>: 0644 (420).</summary>
    public const UnixFileMode DefaultMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite; // 0600
    private const UnixFileMode GroupReadOnly = UnixFileMode.GroupRead; // read-only volume: group gets r, not rw
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute; // 0700
    private const UnixFileMode GroupDirectory = OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute; // 0750

    /// <summary>
    /// Applies the kubelet's rules (k8s-token-spec 4.4): the file mode is <paramref name="defaultMode"/>
    /// unless the pod has a single process user (FsUser) or an fsGroup, in which case it is 0600 owned by
    /// that user; an fsGroup then adds group read (0640) and group ownership.
    /// </summary>
    /// <remarks>
    /// The directory rules are this agent's own, because without mount namespaces the directory is the
    /// only isolation between pods on a node: 0700 owned by the pod's user, or 0750 with the fsGroup, so
    /// no other pod can list or read it. A pod whose containers run as different users and that has no
    /// fsGroup gets a directory only the agent's user can enter; give such pods an fsGroup.
    /// </remarks>
    public static TokenFileAccess For(PodSecurity security, UnixFileMode defaultMode = DefaultMode)
    {
        ArgumentNullException.ThrowIfNull(security);
        var fsUser = ResolveFsUser(security);
        var fsGroup = security.FsGroup;

        var fileMode = fsUser is not null || fsGroup is not null ? OwnerOnlyFile : defaultMode;
        if (fsGroup is not null)
        {
            fileMode |= GroupReadOnly;
        }

        var directoryMode = fsGroup is null ? OwnerOnlyDirectory : GroupDirectory;
        return new TokenFileAccess(fileMode, directoryMode, fsUser, fsGroup);
    }

    /// <summary>The uid every container resolves to, or null when they differ or any is unset.</summary>
    private static long? ResolveFsUser(PodSecurity security)
    {
        if (security.ContainerRunAsUsers.Count == 0)
        {
            return security.RunAsUser;
        }

        long? shared = null;
        foreach (var containerUser in security.ContainerRunAsUsers)
        {
            var effective = containerUser ?? security.RunAsUser;
            if (effective is null || (shared is not null && shared != effective))
            {
                return null;
            }

            shared = effective;
        }

        return shared;
    }
}
