using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Irsa.Node.Projection;

/// <summary>
/// Writes a complete set of files into a volume directory so that readers always see either the
/// whole old set or the whole new set, never a partial, empty or mixed one, using the kubelet's
/// layout:
/// <code>
/// token       -> ..data/token                      (user-visible symlink, created once)
/// ..data      -> ..2025_01_01_00_00_00.123456789  (swapped atomically with rename(2))
/// ..2025_01_01_00_00_00.123456789/token           (the real files, rewritten every update)
/// </code>
/// </summary>
/// <remarks>
/// One writer per directory; calls must not overlap (the owner of the writer serialises them).
/// Watchers should watch <c>..data</c>. A reader that opens a file in the instant between the swap and
/// the deletion of the old directory may get "file not found" and must retry; it never gets bad bytes.
/// </remarks>
public sealed partial class AtomicWriter
{
    /// <summary>The symlink that points at the current timestamped directory.</summary>
    public const string DataDirectoryName = "..data";

    /// <summary>The symlink prepared next to <see cref="DataDirectoryName"/> and renamed over it.</summary>
    public const string NewDataDirectoryName = "..data_tmp";

    private const UnixFileMode TimestampedDirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute; // 0755

    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a writer for an existing volume directory.</summary>
    /// <param name="targetDirectory">The volume directory; it must exist.</param>
    /// <param name="timeProvider">The clock used for the timestamped directory names (UTC).</param>
    public AtomicWriter(string targetDirectory, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        TargetDirectory = Path.GetFullPath(targetDirectory);
        _timeProvider = timeProvider;
    }

    /// <summary>The volume directory this writer owns.</summary>
    public string TargetDirectory { get; }

    /// <summary>
    /// Makes the directory contain exactly <paramref name="payload"/> (relative path → file).
    /// </summary>
    /// <returns>
    /// False when the current content already equals the payload (nothing touched, <c>..data</c>
    /// keeps its target); true when a new version was written and swapped in.
    /// </returns>
    /// <exception cref="ArgumentException">A path is invalid or two paths conflict.</exception>
    /// <exception cref="DirectoryNotFoundException">The target directory does not exist.</exception>
    /// <exception cref="IOException">The target directory is a symbolic link.</exception>
    public bool Write(IReadOnlyDictionary<string, FileProjection> payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ValidatePayload(payload);
        if (!Directory.Exists(TargetDirectory))
        {
            throw new DirectoryNotFoundException($"Volume directory '{TargetDirectory}' does not exist.");
        }

        UnixFileSystem.RequireRealDirectory(TargetDirectory);

        var dataLink = Path.Combine(TargetDirectory, DataDirectoryName);
        var oldDirectoryName = ReadCurrentDirectoryName(dataLink);
        var oldDirectory = oldDirectoryName is null ? null : Path.Combine(TargetDirectory, oldDirectoryName);
        var oldFiles = oldDirectory is null ? [] : ListFiles(oldDirectory);
        var newTopLevel = payload.Keys.Select(PayloadPath.TopLevelName).ToHashSet(StringComparer.Ordinal);

        if (oldDirectory is not null && IsSameContent(oldDirectory, oldFiles, payload) && UserVisibleLinksExist(newTopLevel))
        {
            return false;
        }

        var newDirectoryName = CreateTimestampedDirectory();
        var newDirectory = Path.Combine(TargetDirectory, newDirectoryName);
        try
        {
            WriteFiles(newDirectory, payload);
            SwapDataLink(dataLink, newDirectoryName);
        }
        catch
        {
            // The swap is the commit point: before it, the half-built directory is garbage.
            TryDeleteDirectory(newDirectory);
            throw;
        }

        // Links are created after the swap so that a new name never points at a missing file.
        CreateUserVisibleLinks(newTopLevel);
        RemoveStaleUserVisibleNames(oldFiles, newTopLevel);
        if (oldDirectory is not null && oldDirectoryName != newDirectoryName)
        {
            TryDeleteDirectory(oldDirectory);
        }

        RemoveOrphanedVersionDirectories(newDirectoryName);
        return true;
    }

    private static void ValidatePayload(IReadOnlyDictionary<string, FileProjection> payload)
    {
        foreach (var (path, file) in payload)
        {
            PayloadPath.Validate(path);
            ArgumentNullException.ThrowIfNull(file, nameof(payload));
            ArgumentNullException.ThrowIfNull(file.Data, nameof(payload));
        }

        // "a" as a file and "a/b" below it cannot both exist.
        foreach (var path in payload.Keys)
        {
            for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
            {
                if (payload.ContainsKey(path[..slash]))
                {
                    throw new ArgumentException($"Payload path '{path}' is below the file '{path[..slash]}'.", nameof(payload));
                }
            }
        }
    }

    /// <summary>The name <c>..data</c> points at, or null when there is no usable current version.</summary>
    private string? ReadCurrentDirectoryName(string dataLink)
    {
        var target = new FileInfo(dataLink).LinkTarget;
        if (target is null || target.Contains('/', StringComparison.Ordinal) || !Directory.Exists(Path.Combine(TargetDirectory, target)))
        {
            return null;
        }

        return target;
    }

    /// <summary>Relative ('/'-separated) paths of all regular files below <paramref name="directory"/>.</summary>
    private static List<string> ListFiles(string directory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        return Directory.EnumerateFiles(directory, "*", options)
            .Select(file => Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
    }

    private static bool IsSameContent(string directory, List<string> currentFiles, IReadOnlyDictionary<string, FileProjection> payload)
    {
        if (currentFiles.Count != payload.Count || !currentFiles.All(payload.ContainsKey))
        {
            return false;
        }

        foreach (var (path, file) in payload)
        {
            var fullPath = Path.Combine(directory, path);
            if (UnixFileSystem.GetMode(fullPath) != file.Mode || !File.ReadAllBytes(fullPath).AsSpan().SequenceEqual(file.Data))
            {
                return false;
            }
        }

        return true;
    }

    private bool UserVisibleLinksExist(HashSet<string> topLevelNames) =>
        topLevelNames.All(name => new FileInfo(Path.Combine(TargetDirectory, name)).LinkTarget is not null);

    private string CreateTimestampedDirectory()
    {
        // "..YYYY_MM_DD_HH_MM_SS.<random>" like the kubelet's os.MkdirTemp pattern; the random part keeps
        // names unique when several updates happen within one second.
        var prefix = ".." + _timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy_MM_dd_HH_mm_ss", CultureInfo.InvariantCulture) + ".";
        for (var attempt = 0; ; attempt++)
        {
            var name = prefix + RandomNumberGenerator.GetInt32(int.MaxValue).ToString(CultureInfo.InvariantCulture);
            var path = Path.Combine(TargetDirectory, name);
            if (!Path.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                UnixFileSystem.CreateDirectory(path, TimestampedDirectoryMode);
                return name;
            }

            if (attempt > 100)
            {
                throw new IOException($"Could not create a unique timestamped directory in '{TargetDirectory}'.");
            }
        }
    }

    private static void WriteFiles(string directory, IReadOnlyDictionary<string, FileProjection> payload)
    {
        foreach (var (path, file) in payload)
        {
            var fullPath = Path.Combine(directory, path);
            var parent = Path.GetDirectoryName(fullPath)!;
            if (parent != directory)
            {
                UnixFileSystem.CreateDirectory(parent, TimestampedDirectoryMode);
            }

            // Mode and owner are set through the new file's descriptor: if this runs as root in a pod-owned
            // directory, a symlink swapped in after creation is never followed.
            UnixFileSystem.WriteNewFile(fullPath, file.Data, file.Mode,
                UnixFileSystem.IsPrivileged ? file.OwnerUid : null, UnixFileSystem.IsPrivileged ? file.OwnerGid : null);
        }
    }

    private void SwapDataLink(string dataLink, string newDirectoryName)
    {
        var tmpLink = Path.Combine(TargetDirectory, NewDataDirectoryName);
        if (new FileInfo(tmpLink).LinkTarget is not null || File.Exists(tmpLink))
        {
            File.Delete(tmpLink); // left over from an interrupted write
        }

        // Relative target, so the volume keeps working when bind-mounted elsewhere.
        File.CreateSymbolicLink(tmpLink, newDirectoryName);
        UnixFileSystem.Rename(tmpLink, dataLink);
    }

    private void CreateUserVisibleLinks(HashSet<string> topLevelNames)
    {
        foreach (var name in topLevelNames)
        {
            var link = Path.Combine(TargetDirectory, name);
            if (new FileInfo(link).LinkTarget is null && !Path.Exists(link))
            {
                File.CreateSymbolicLink(link, DataDirectoryName + "/" + name);
            }
        }
    }

    private void RemoveStaleUserVisibleNames(List<string> oldFiles, HashSet<string> newTopLevel)
    {
        foreach (var name in oldFiles.Select(PayloadPath.TopLevelName).Distinct(StringComparer.Ordinal))
        {
            var link = Path.Combine(TargetDirectory, name);
            if (!newTopLevel.Contains(name) && new FileInfo(link).LinkTarget is not null)
            {
                File.Delete(link); // unlinks the symlink itself, whatever it points at
            }
        }
    }

    /// <summary>Deletes version directories left behind by a write that crashed before its swap.</summary>
    private void RemoveOrphanedVersionDirectories(string currentName)
    {
        foreach (var directory in Directory.EnumerateDirectories(TargetDirectory, "..*"))
        {
            var name = Path.GetFileName(directory);
            if (name != currentName && VersionDirectoryName().IsMatch(name) && new FileInfo(directory).LinkTarget is null)
            {
                TryDeleteDirectory(directory);
            }
        }
    }

    [GeneratedRegex(@"^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionDirectoryName();

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover directory wastes space but is never referenced again.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
