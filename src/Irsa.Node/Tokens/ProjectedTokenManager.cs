using System.Text;
using Irsa.Node.Projection;

namespace Irsa.Node.Tokens;

/// <summary>
/// Keeps one pod's projected service-account tokens on disk and fresh, like the kubelet's token
/// manager plus projected-volume plugin: requests tokens bound to the pod, writes them with an
/// <see cref="AtomicWriter"/>, re-checks them on a <see cref="TimeProvider"/> timer, and removes
/// everything when the pod goes away.
/// </summary>
/// <remarks>
/// <para>Layout: <c>&lt;root&gt;/&lt;pod uid&gt;/&lt;volume name&gt;/&lt;path&gt;</c>.</para>
/// <para>
/// Credential isolation: without mount namespaces the file system is the only barrier between pods,
/// so the pod directory and each volume directory are 0700 (0750 when the pod has an fsGroup) and,
/// when the agent runs as root, owned by the pod's single <c>runAsUser</c> and its fsGroup. Every
/// pod's directory is a sibling under the 0711 root, so no pod can list the root or enter, read or
/// replace another pod's directory; each pod's tokens are bound to its own UID as well.
/// </para>
/// <para>Token values never appear in exceptions, results or <see cref="object.ToString"/>.</para>
/// </remarks>
public sealed class ProjectedTokenManager : IAsyncDisposable
{
    private const UnixFileMode RootDirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupExecute | UnixFileMode.OtherExecute; // 0711

    private readonly PodTokenSpec _pod;
    private readonly string _rootDirectory;
    private readonly TimeSpan _syncInterval;
    private readonly ITokenRequester _requester;
    private readonly TimeProvider _timeProvider;
    private readonly IRandomSource _random;
    private readonly TokenFileAccess _access; // directory mode/owner; file modes are per volume
    private readonly Dictionary<TokenKey, CachedToken> _cache = [];
    private readonly Dictionary<string, AtomicWriter> _writers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _loopLock = new();
    private ITimer? _timer;
    private CancellationTokenSource? _loopCancellation;
    private Task _inFlight = Task.CompletedTask;
    private bool _syncRunning;
    private bool _tickPending;
    private bool _removed;

    /// <summary>Creates a manager for one pod; nothing is written until <see cref="StartAsync"/> or <see cref="SyncAsync"/>.</summary>
    /// <param name="pod">The pod and its projected token volumes.</param>
    /// <param name="options">Where to write and how often to re-check.</param>
    /// <param name="requester">Obtains the tokens.</param>
    /// <param name="timeProvider">The clock and timers (default: the system clock).</param>
    /// <param name="random">The source of refresh jitter (default: a cryptographic generator).</param>
    /// <exception cref="ArgumentException">The pod or options are invalid.</exception>
    public ProjectedTokenManager(
        PodTokenSpec pod,
        ProjectedTokenManagerOptions options,
        ITokenRequester requester,
        TimeProvider? timeProvider = null,
        IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentException.ThrowIfNullOrEmpty(options.RootDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.SyncInterval, TimeSpan.Zero);
        pod.Validate();

        _pod = pod;
        _rootDirectory = Path.GetFullPath(options.RootDirectory);
        _syncInterval = options.SyncInterval;
        _requester = requester;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _random = random ?? SystemRandomSource.Instance;
        _access = TokenFileAccess.For(pod.Security);
        PodDirectory = Path.Combine(_rootDirectory, pod.Uid);
    }

    /// <summary>Raised after every sync (direct or scheduled) with its outcome.</summary>
    public event EventHandler<PodSyncResult>? Synced;

    /// <summary>The pod's private directory: <c>&lt;root&gt;/&lt;pod uid&gt;</c>.</summary>
    public string PodDirectory { get; }

    /// <summary>The outcome of the latest sync, or null before the first one.</summary>
    public PodSyncResult? LastResult { get; private set; }

    /// <summary>The directory of a volume (what the kubelet would mount into containers).</summary>
    public string GetVolumeDirectory(string volumeName)
    {
        if (!_pod.Volumes.Any(volume => volume.Name == volumeName))
        {
            throw new ArgumentException($"Pod {_pod.Uid} has no projected volume '{volumeName}'.", nameof(volumeName));
        }

        return Path.Combine(PodDirectory, volumeName);
    }

    /// <summary>
    /// The user-visible path of a token file, e.g. the value for <c>AWS_WEB_IDENTITY_TOKEN_FILE</c>.
    /// It is a symlink through <c>..data</c>, so it always resolves to the latest complete token.
    /// </summary>
    public string GetTokenFilePath(string volumeName, string path = "token") =>
        Path.Combine(GetVolumeDirectory(volumeName), path);

    /// <summary>
    /// Obtains all tokens, writes them and starts the background refresh loop.
    /// </summary>
    /// <exception cref="ProjectedTokenException">Some token could not be obtained or written; the loop is not started.</exception>
    public async Task<PodSyncResult> StartAsync(CancellationToken cancellationToken = default)
    {
        var result = await SyncAsync(cancellationToken);
        if (result.HasErrors)
        {
            throw new ProjectedTokenException(result);
        }

        lock (_loopLock)
        {
            ObjectDisposedException.ThrowIf(_removed, this);
            if (_timer is null)
            {
                _loopCancellation = new CancellationTokenSource();
                _timer = _timeProvider.CreateTimer(OnTimerTick, null, _syncInterval, _syncInterval);
            }
        }

        return result;
    }

    /// <summary>
    /// Re-checks every token once: refreshes those the refresh rule selects, keeps a still-valid old
    /// token when a refresh fails, and rewrites volumes whose content changed. Request and write
    /// failures are reported in the result, not thrown.
    /// </summary>
    public async Task<PodSyncResult> SyncAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        PodSyncResult result;
        try
        {
            ObjectDisposedException.ThrowIf(_removed, this);
            EnsureDirectories();
            // One request per distinct (audience, lifetime), however many files share it.
            foreach (var key in _pod.Volumes.SelectMany(volume => volume.Sources).Select(TokenKey.For).Distinct())
            {
                await RefreshIfNeededAsync(key, cancellationToken);
            }

            result = WriteVolumes();
            LastResult = result;
        }
        finally
        {
            _gate.Release();
        }

        Synced?.Invoke(this, result);
        return result;
    }

    /// <summary>Stops the background loop and waits for a running sync; the files stay.</summary>
    public async Task StopAsync()
    {
        ITimer? timer;
        CancellationTokenSource? cancellation;
        Task inFlight;
        lock (_loopLock)
        {
            (timer, _timer) = (_timer, null);
            (cancellation, _loopCancellation) = (_loopCancellation, null);
            inFlight = _inFlight;
        }

        if (timer is not null)
        {
            await timer.DisposeAsync();
        }

        if (cancellation is not null)
        {
            await cancellation.CancelAsync();
            // The scheduled sync reports its own failures; only a throwing Synced handler could fault it.
            await inFlight.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellation.Dispose();
        }
    }

    /// <summary>
    /// For a deleted pod: stops the loop, forgets the cached tokens and deletes the pod directory with
    /// every volume in it. The manager cannot be used afterwards.
    /// </summary>
    public async Task StopAndCleanupAsync()
    {
        lock (_loopLock)
        {
            _removed = true;
        }

        await StopAsync();
        await _gate.WaitAsync();
        try
        {
            _cache.Clear();
            _writers.Clear();
            if (Directory.Exists(PodDirectory))
            {
                Directory.Delete(PodDirectory, recursive: true);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the loop; leaves the files (use <see cref="StopAndCleanupAsync"/> for a deleted pod).</summary>
    public async ValueTask DisposeAsync() => await StopAsync();

    private void OnTimerTick(object? state)
    {
        lock (_loopLock)
        {
            if (_loopCancellation is null)
            {
                return;
            }

            // A tick during a running sync (slow API server) queues one more sync instead of overlapping it.
            if (_syncRunning)
            {
                _tickPending = true;
                return;
            }

            _syncRunning = true;
            var cancellationToken = _loopCancellation.Token;
            _inFlight = Task.Run(() => RunScheduledSyncsAsync(cancellationToken), CancellationToken.None);
        }
    }

    private async Task RunScheduledSyncsAsync(CancellationToken cancellationToken)
    {
        do
        {
            await RunScheduledSyncAsync(cancellationToken);
        }
        while (TakePendingTick());
    }

    private bool TakePendingTick()
    {
        lock (_loopLock)
        {
            var again = _tickPending && _loopCancellation is not null;
            _tickPending = false;
            _syncRunning = again;
            return again;
        }
    }

    private async Task RunScheduledSyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SyncAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // Cleaned up while this tick was starting.
        }
#pragma warning disable CA1031 // The loop must survive anything; the failure is reported through Synced.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var now = _timeProvider.GetUtcNow();
            var failed = _pod.Volumes
                .SelectMany(volume => volume.Sources.Select(source =>
                    new TokenSourceStatus(volume.Name, source.Path, ProjectedTokenState.Failed, null, ex)))
                .ToList();
            Synced?.Invoke(this, new PodSyncResult(_pod.Uid, now, failed));
        }
    }

    private async Task RefreshIfNeededAsync(TokenKey key, CancellationToken cancellationToken)
    {
        if (!_cache.TryGetValue(key, out var cached))
        {
            cached = new CachedToken();
            _cache[key] = cached;
        }

        var now = _timeProvider.GetUtcNow();
        if (cached.Token is not null &&
            !TokenRefreshPolicy.RequiresRefresh(cached.Token, now, TokenRefreshPolicy.NextJitter(_random)))
        {
            return;
        }

        try
        {
            var token = await _requester.RequestAsync(
                _pod.Namespace,
                _pod.ServiceAccountName,
                key.Audiences,
                key.ExpirationSeconds,
                new BoundPodReference(_pod.Name, _pod.Uid),
                cancellationToken);
            if (token is null || string.IsNullOrEmpty(token.Token) || token.ExpirationSeconds <= 0)
            {
                throw new InvalidOperationException("The token request returned no token or a non-positive expirationSeconds.");
            }

            cached.Token = token;
            cached.LastError = null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any requester failure means "keep the old token until it expires".
        catch (Exception ex)
#pragma warning restore CA1031
        {
            cached.LastError = ex;
        }
    }

    private PodSyncResult WriteVolumes()
    {
        var now = _timeProvider.GetUtcNow();
        var statuses = new List<TokenSourceStatus>();
        foreach (var volume in _pod.Volumes)
        {
            var entries = volume.Sources.Select(source => (Source: source, Cached: _cache[TokenKey.For(source)])).ToList();
            var volumeError = entries
                .Where(entry => entry.Cached.Token is null || now > entry.Cached.Token.ExpirationTimestamp)
                .Select(entry => entry.Cached.LastError ?? new InvalidOperationException($"The token for '{entry.Source.Path}' has expired."))
                .FirstOrDefault();

            if (volumeError is null)
            {
                var access = TokenFileAccess.For(_pod.Security, volume.DefaultMode);
                var payload = entries.ToDictionary(
                    entry => entry.Source.Path,
                    entry => new FileProjection(Encoding.UTF8.GetBytes(entry.Cached.Token!.Token), access.FileMode, access.Uid, access.Gid),
                    StringComparer.Ordinal);
                try
                {
                    WriterFor(volume.Name).Write(payload);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    volumeError = ex;
                }
            }

            foreach (var (source, cached) in entries)
            {
                var state = volumeError is not null ? ProjectedTokenState.Failed
                    : cached.LastError is not null ? ProjectedTokenState.RefreshFailing
                    : ProjectedTokenState.Current;
                statuses.Add(new TokenSourceStatus(volume.Name, source.Path, state, cached.Token?.ExpirationTimestamp, volumeError ?? cached.LastError));
            }
        }

        return new PodSyncResult(_pod.Uid, now, statuses);
    }

    private AtomicWriter WriterFor(string volumeName)
    {
        if (!_writers.TryGetValue(volumeName, out var writer))
        {
            writer = new AtomicWriter(Path.Combine(PodDirectory, volumeName), _timeProvider);
            _writers[volumeName] = writer;
        }

        return writer;
    }

    /// <summary>Creates (or re-asserts) the root, the pod directory and the volume directories.</summary>
    private void EnsureDirectories()
    {
        if (!Directory.Exists(_rootDirectory))
        {
            UnixFileSystem.CreateDirectory(_rootDirectory, RootDirectoryMode);
        }

        CreatePrivateDirectory(PodDirectory);
        foreach (var volume in _pod.Volumes)
        {
            CreatePrivateDirectory(Path.Combine(PodDirectory, volume.Name));
        }
    }

    private void CreatePrivateDirectory(string path)
    {
        if (new FileInfo(path).LinkTarget is not null)
        {
            // A symlink here could redirect the pod's tokens somewhere else; never follow it.
            throw new IOException($"'{path}' is a symlink; refusing to use it as a token directory.");
        }

        UnixFileSystem.CreateDirectory(path, _access.DirectoryMode);
        if (UnixFileSystem.IsPrivileged)
        {
            UnixFileSystem.Chown(path, _access.Uid, _access.Gid);
        }
    }

    /// <summary>The kubelet's cache key within one pod (SA, namespace and bound pod are fixed here).</summary>
    private readonly record struct TokenKey(string Audience, long ExpirationSeconds)
    {
        public IReadOnlyList<string> Audiences => Audience.Length == 0 ? [] : [Audience];

        public static TokenKey For(ServiceAccountTokenProjection source) =>
            new(source.Audience ?? string.Empty, source.ExpirationSeconds);
    }

    private sealed class CachedToken
    {
        public TokenRequestResult? Token { get; set; }

        public Exception? LastError { get; set; }
    }
}
