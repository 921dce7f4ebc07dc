using System.Text.Json;

namespace Irsa.Webhook;

/// <summary>
/// The container-credentials identities file (<c>--watch-container-credentials-config</c>),
/// loaded at start and reloaded when its directory changes. A missing or empty file means "no
/// identities"; invalid JSON keeps the previous set and retries with exponential backoff
/// (10 ms doubling up to 5 min), as upstream does.
/// </summary>
public sealed class ContainerCredentialsConfigFile : IContainerCredentialsIdentities, IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(5);

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private volatile ContainerCredentialsIdentitySet _current = ContainerCredentialsIdentitySet.Empty;
    private FileSystemWatcher? _watcher;
    private ITimer? _retryTimer;
    private TimeSpan _nextRetry = FirstRetry;
    private bool _disposed;

    /// <summary>Creates the loader; nothing is read until <see cref="Reload"/> or <see cref="Start"/>.</summary>
    public ContainerCredentialsConfigFile(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The identities currently in force.</summary>
    public ContainerCredentialsIdentitySet Current => _current;

    /// <summary>Raised after each successful load.</summary>
    public event EventHandler? Reloaded;

    /// <summary>Raised when the file cannot be read or parsed (the previous set stays in force).</summary>
    public event EventHandler<Exception>? LoadFailed;

    /// <inheritdoc />
    public bool Contains(string @namespace, string serviceAccount) => _current.Contains(@namespace, serviceAccount);

    /// <summary>Loads once, then watches the file's directory and reloads on every change.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_watcher is not null)
            {
                return;
            }

            // The directory is watched, not the file: editors and Kubernetes ConfigMap volumes
            // replace files (via rename or a "..data" symlink swap) rather than writing in place.
            // Any change in the directory triggers a reload, which is idempotent.
            var directory = Path.GetDirectoryName(_path)!;
            _watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false };
            _watcher.Changed += OnChanged;
            _watcher.Created += OnChanged;
            _watcher.Deleted += OnChanged;
            _watcher.Renamed += OnChanged;
            _watcher.EnableRaisingEvents = true;
        }

        ReloadWithRetry();
    }

    /// <summary>
    /// Reads the file now. Returns false (keeping the previous identities) when it cannot be parsed.
    /// </summary>
    public bool Reload()
    {
        try
        {
            var bytes = File.Exists(_path) ? File.ReadAllBytes(_path) : [];
            _current = ContainerCredentialsIdentitySet.Parse(bytes);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            LoadFailed?.Invoke(this, e);
            return false;
        }

        Reloaded?.Invoke(this, EventArgs.Empty);
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _watcher?.Dispose();
            _watcher = null;
            _retryTimer?.Dispose();
            _retryTimer = null;
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => ReloadWithRetry();

    private void ReloadWithRetry()
    {
        var ok = Reload();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _retryTimer?.Dispose();
            _retryTimer = null;
            if (ok)
            {
                _nextRetry = FirstRetry;
                return;
            }

            var delay = _nextRetry;
            _nextRetry = TimeSpan.FromTicks(Math.Min(_nextRetry.Ticks * 2, MaxRetry.Ticks));
            _retryTimer = _time.CreateTimer(_ => ReloadWithRetry(), null, delay, Timeout.InfiniteTimeSpan);
        }
    }
}
