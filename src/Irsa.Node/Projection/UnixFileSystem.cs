using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Irsa.Node.Projection;

/// <summary>
/// The few POSIX operations the projection needs that .NET does not expose (rename of a symlink,
/// chown, fchown) plus mode helpers that ignore the umask. Every entry point refuses Windows, which has
/// neither the permission model nor atomic replace-by-rename of a symlink.
/// </summary>
internal static partial class UnixFileSystem
{
    /// <summary>True when the process may chown files to other users (root or CAP_CHOWN-like privilege).</summary>
    public static bool IsPrivileged => Environment.IsPrivilegedProcess;

    /// <summary>
    /// rename(2): atomically replaces <paramref name="destination"/> with <paramref name="source"/>.
    /// </summary>
    /// <remarks>
    /// Note: File.Move cannot be used for the <c>..data_tmp</c> → <c>..data</c> swap. It stats the
    /// source through the link, sees a directory and throws FileNotFoundException; Directory.Move
    /// refuses an existing destination. rename(2) renames the link itself and replaces the old
    /// <c>..data</c> link in one step, so a reader never finds the name missing.
    /// </remarks>
    public static void Rename(string source, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotSupported();
        }

        if (NativeMethods.Rename(source, destination) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"rename '{source}' -> '{destination}' failed: {new Win32Exception(errno).Message}", errno);
        }
    }

    /// <summary>chown(2) for the given ids (a null id is left unchanged); follows symlinks, so only for paths this process owns.</summary>
    public static void Chown(string path, long? uid, long? gid)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotSupported();
        }

        if (uid is null && gid is null)
        {
            return;
        }

        if (NativeMethods.Chown(path, ToNativeId(uid), ToNativeId(gid)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"chown '{path}' to {uid}:{gid} failed: {new Win32Exception(errno).Message}", errno);
        }
    }

    /// <summary>Reads the mode of a file or directory (following symlinks).</summary>
    public static UnixFileMode GetMode(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotSupported();
        }

        return File.GetUnixFileMode(path);
    }

    /// <summary>Creates a directory (if missing) and then sets its exact mode.</summary>
    public static void CreateDirectory(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotSupported();
        }

        Directory.CreateDirectory(path, mode);
        // CreateDirectory applies the umask; an explicit chmod gives exactly the requested bits.
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>
    /// Creates a new file, writes <paramref name="data"/>, then sets its exact mode and (when given) owner through the
    /// open descriptor: nothing is done by path after creation, so a symlink swapped in meanwhile is never followed.
    /// </summary>
    /// <remarks>
    /// <see cref="FileMode.CreateNew"/> is <c>O_CREAT|O_EXCL</c>, which POSIX requires to fail on an existing name,
    /// a symlink included, without following it: the file created is always a new inode at that name. The file
    /// starts owner-only (0600) and gets its final mode and owner once its content is complete (fchmod, fchown).
    /// </remarks>
    public static void WriteNewFile(string path, ReadOnlySpan<byte> data, UnixFileMode mode, long? uid, long? gid)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotSupported();
        }

        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        stream.Write(data);
        stream.Flush();
        var handle = stream.SafeFileHandle;
        File.SetUnixFileMode(handle, mode);
        if (uid is null && gid is null)
        {
            return;
        }

        if (NativeMethods.FChown((int)handle.DangerousGetHandle(), ToNativeId(uid), ToNativeId(gid)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"fchown '{path}' to {uid}:{gid} failed: {new Win32Exception(errno).Message}", errno);
        }
    }

    /// <summary>Refuses a directory reached through a symlink (the final component): a pod could point it anywhere.</summary>
    public static void RequireRealDirectory(string path)
    {
        var directory = new DirectoryInfo(path);
        if (directory.LinkTarget is not null)
        {
            throw new IOException($"Volume directory '{path}' is a symbolic link; refusing to write through it.");
        }
    }

    private static uint ToNativeId(long? id)
    {
        if (id is null)
        {
            return uint.MaxValue; // (uid_t)-1: leave unchanged
        }

        if (id < 0 || id >= uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, "A uid/gid must be in [0, 2^32-1).");
        }

        return (uint)id.Value;
    }

    // Inline `if (IsWindows()) throw` at each entry point (not a helper) so the platform analyzer sees the guard.
    private static PlatformNotSupportedException NotSupported() =>
        new("Token projection needs POSIX file modes, symlinks and rename(2).");

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Rename(string oldPath, string newPath);

        [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Chown(string path, uint owner, uint group);

        [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
        internal static partial int FChown(int fd, uint owner, uint group);
    }
}
