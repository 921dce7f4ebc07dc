namespace Irsa.Node.Projection;

/// <summary>
/// One file of an <see cref="AtomicWriter"/> payload: its bytes, its exact mode and, optionally, its
/// owner. The owner is applied only when the writer runs privileged.
/// </summary>
/// <param name="Data">The file content.</param>
/// <param name="Mode">The exact mode of the file (the umask is not applied).</param>
/// <param name="OwnerUid">The uid to chown to, or null to keep the writer's uid.</param>
/// <param name="OwnerGid">The gid to chown to, or null to keep the writer's gid.</param>
public sealed record FileProjection(byte[] Data, UnixFileMode Mode, long? OwnerUid = null, long? OwnerGid = null);
