using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;

namespace Irsa.Kubernetes;

/// <summary>
/// Appends each cluster's events as JSON Lines to <c>{directory}/{clusterId}.log</c>, rotating by size to
/// <c>{clusterId}.log.1</c> ... <c>.log.{MaxBackups}</c> (newest first).
/// </summary>
/// <remarks>
/// Durability: each event is written and flushed to the operating system before <see cref="WriteAsync"/> returns, so
/// it survives a crash of the process; it is not fsynced (as kube-apiserver's log backend), so an OS crash or power
/// loss can lose the last events. Writes to one cluster's file are serialized; files are private to the owner.
/// </remarks>
public sealed class FileKubernetesAuditSink : IKubernetesAuditSink, IDisposable
{
    private static readonly SearchValues<char> IdCharacters = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-");

    private readonly string _directory;
    private readonly KubernetesAuditOptions _options;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public FileKubernetesAuditSink(string directory, KubernetesAuditOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxFileBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxBackups);
        _directory = directory;
        _options = options;
    }

    /// <summary>The current log file of a cluster.</summary>
    public string LogPath(string clusterId)
    {
        // Ids come from the store, but they also name a file: never let one climb out of the folder.
        if (clusterId.Length == 0 || clusterId.AsSpan().ContainsAnyExcept(IdCharacters))
        {
            throw new ArgumentException("A cluster id names a file and may only hold letters, digits and '-'.", nameof(clusterId));
        }

        return Path.Combine(_directory, clusterId + ".log");
    }

    public async Task WriteAsync(string clusterId, KubernetesAuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var path = LogPath(clusterId);
        var json = KubernetesAuditEventJson.Serialize(auditEvent);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';

        var gate = _locks.GetOrAdd(clusterId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            EnsureDirectory();
            if (File.Exists(path) && new FileInfo(path).Length + line.Length > _options.MaxFileBytes)
            {
                Rotate(path);
            }

            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using var stream = new FileStream(path, options);
            await stream.WriteAsync(line, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var gate in _locks.Values)
        {
            gate.Dispose();
        }
    }

    private void EnsureDirectory()
    {
        if (Directory.Exists(_directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_directory);
        }
        else
        {
            Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Shifts <c>.log.N</c> to <c>.log.N+1</c> (dropping the oldest) and the current file to <c>.log.1</c>.</summary>
    private void Rotate(string path)
    {
        if (_options.MaxBackups == 0)
        {
            File.Delete(path);
            return;
        }

        File.Delete(Backup(path, _options.MaxBackups));
        for (var n = _options.MaxBackups - 1; n >= 1; n--)
        {
            if (File.Exists(Backup(path, n)))
            {
                File.Move(Backup(path, n), Backup(path, n + 1));
            }
        }

        File.Move(path, Backup(path, 1));
    }

    private static string Backup(string path, int n) => path + "." + n.ToString(CultureInfo.InvariantCulture);
}
