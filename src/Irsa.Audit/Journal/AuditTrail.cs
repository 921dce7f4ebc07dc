using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Irsa.Audit.Buckets;
using Irsa.Audit.Delivery;
using Irsa.Audit.Query;
using Irsa.Audit.Records;
using Irsa.Core.Security;
using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Journal;

/// <summary>
/// The audit trail: a durable journal of CloudTrail records with group commit, rolled hourly into signed CloudTrail
/// log and digest files, queried by LookupEvents and by Irsa's own filters.
/// </summary>
/// <remarks>
/// <para>An append writes its frame to <see cref="JournalLog"/> (<c>journal.log</c>) on the caller's thread, under a
/// lock held for that one write: no queue, no hand-off to another thread and back on the request path. One loop, the
/// indexer, owns the SQLite side: it builds the index (<see cref="JournalIndex"/>) from the log, a thousand entries per
/// transaction, and runs deliveries, pruning and key rotation. It indexes when appends pause for <see cref="AuditTrailOptions.IndexIdle"/>,
/// when the unindexed log reaches <see cref="AuditTrailOptions.IndexBacklogBytes"/>, and before every query, delivery
/// and graceful stop, so a query sees every call answered before it began; appends never wait for it.</para>
/// <para><b>Durability:</b> <see cref="AppendAsync"/> completes only after the entry's frame is written to the log, so an
/// acknowledged entry survives <c>kill -9</c> (the next open indexes what the log holds). By default the log is fsynced
/// every <see cref="AuditTrailOptions.SyncInterval"/> (100 ms) while appends arrive, so a power loss can lose at most
/// that much; with no interval an append also waits for an fsync of the log (group commit: one fsync serves every
/// append written before it began), and an acknowledged entry also survives an OS crash and a power loss, as far as the
/// storage honours fsync, at the price of the disk's fsync latency on every audited call. Index transactions are always
/// fsynced before the log is emptied.</para>
/// </remarks>
public sealed class AuditTrail : IAsyncDisposable
{
    private const string LastDeliveryState = "last_delivery";
    private const string LoggingStartedState = "logging_started";

    private readonly AuditTrailOptions _options;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly SqliteConnection _connection;
    private readonly JournalLog _log;
    private readonly JournalIndex _index;
    private readonly Channel<Command> _commands = Channel.CreateUnbounded<Command>(new UnboundedChannelOptions { SingleReader = true });

    // Held by each append while it writes and by the indexer while it empties the log, so neither sees half of the other.
    private readonly Lock _logLock = new();
    private readonly ITimer _deliveryTimer;
    private readonly ITimer? _syncTimer;
    private readonly ITimer _indexTimer;
    private long _syncedWrites;
    private int _syncing;

    // With no sync interval: appends waiting for an fsync, and the loop that fsyncs for them.
    private readonly Channel<PendingSync>? _pendingSyncs;
    private readonly Task? _syncer;
    private readonly Task _indexer;
    private readonly DateTimeOffset _loggingStarted;
    private DigestSigningKey _signingKey;
    private DateTimeOffset _lastDelivery;
    private BucketDelivery? _bucketDelivery;

    // Under the log lock: the next entry's number, the count of writes, whether the trail is closed. The indexer's: whether
    // a backlog is being caught up. Shared: where the log's unindexed frames begin, when the last entry was appended, and
    // whether the backlog bound was signalled.
    private long _nextSequence;
    private long _writes;
    private bool _closed;
    private bool _catchingUp;
    private long _indexedTo;
    private long _lastAppend;
    private int _backlogSignalled;

    private AuditTrail(AuditTrailOptions options, SecretProtector protector, TimeProvider time, SqliteConnection connection,
        JournalLog log, DigestSigningKey signingKey, DateTimeOffset lastDelivery, DateTimeOffset loggingStarted)
    {
        _loggingStarted = loggingStarted;
        _options = options;
        _protector = protector;
        _time = time;
        _connection = connection;
        _log = log;
        _index = new JournalIndex(connection);
        // What a crash left in the log is indexed before anything else runs; a torn last frame is cut off.
        _indexedTo = JournalLog.Start;
        IndexAll(recovering: true);
        _nextSequence = _index.IndexedThrough + 1;
        _lastAppend = time.GetTimestamp();
        _signingKey = signingKey;
        _lastDelivery = lastDelivery;
        Queries = new AuditQueries(options.JournalPath, CatchUpAsync);
        _deliveryTimer = time.CreateTimer(_ => _commands.Writer.TryWrite(new Deliver(force: false)), null, Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        ArmDeliveryTimer();
        if (options.SyncInterval is { } interval)
        {
            _syncTimer = time.CreateTimer(_ => SyncIfBehind(), null, interval, interval);
        }
        else
        {
            _pendingSyncs = Channel.CreateUnbounded<PendingSync>(new UnboundedChannelOptions { SingleReader = true });
            _syncer = Task.Run(() => RunSyncerAsync(_pendingSyncs.Reader));
        }

        _indexTimer = time.CreateTimer(_ => _commands.Writer.TryWrite(new IndexIfIdle()), null, options.IndexIdle, options.IndexIdle);
        _indexer = Task.Run(RunIndexerAsync);
    }

    public AuditTrailOptions Options => _options;

    /// <summary>How many entries have been written to the log since open.</summary>
    internal long Writes => Volatile.Read(ref _writes);

    /// <summary>Where the log's last frame ends (the file runs on past it, zeros, for the frames to come).</summary>
    internal long LogEnd => _log.Length;

    /// <summary>How many fsyncs of the log the sync timer or the syncer ran (for tests of the sync interval and group commit).</summary>
    internal long Syncs => Interlocked.Read(ref _syncs);

    private long _syncs;

    /// <summary>Held by the syncer around each fsync (tests hold it to make appends wait, then share one fsync).</summary>
    internal SemaphoreSlim SyncGate { get; } = new(1, 1);

    /// <summary>Reads: LookupEvents, Irsa's filters, <c>tail --follow</c>, <c>explain</c>.</summary>
    public AuditQueries Queries { get; }

    /// <summary>
    /// Opens (or creates) the trail in <see cref="AuditTrailOptions.Directory"/>: creates the digest signing key on first
    /// use and writes any log or digest file a crash left unwritten.
    /// </summary>
    public static AuditTrail Open(AuditTrailOptions options, SecretProtector protector, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        Directory.CreateDirectory(options.Directory);
        var connection = JournalSchema.OpenWriter(options.JournalPath);
        JournalLog? log = null;
        try
        {
            log = JournalLog.Open(options.Directory);
            var now = CloudTrailTime.TruncateToSeconds(time.GetUtcNow());
            var key = DigestSigningKey.LoadOrCreate(connection, protector, now);
            var lastDelivery = ReadState(connection, LastDeliveryState) ?? now;
            var loggingStarted = ReadState(connection, LoggingStartedState) ?? StartLogging(connection, now);
            LogDelivery.Materialize(connection, options.Directory);
            return new AuditTrail(options, protector, time, connection, log, key, lastDelivery, loggingStarted);
        }
        catch
        {
            log?.Dispose();
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Journals <paramref name="entry"/> and returns its sequence number once its frame is written to the log (and, with
    /// no <see cref="AuditTrailOptions.SyncInterval"/>, fsynced).
    /// </summary>
    /// <remarks>Cancelling stops the wait for the fsync, not the write: the entry is in the log already.</remarks>
    public Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // Serialised on the caller's thread into its own frame buffer, which the write below uses before returning.
        var frame = FrameBuffer.ForThisThread();
        JournalIndex.Encode(entry, entry.Explanation is null ? null : JsonSerializer.Serialize(entry.Explanation, AuditJson.Options), frame);
        PendingSync? pending = null;
        long sequence;
        try
        {
            lock (_logLock)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                sequence = _nextSequence;
                // A failed write takes no number and leaves no gap: the next write goes to the same offset.
                _log.Append(sequence, frame.Frame);
                _nextSequence = sequence + 1;
                Volatile.Write(ref _writes, _writes + 1);
                if (_pendingSyncs is not null)
                {
                    // Queued under the lock, so a closing trail's syncer still sees every entry written before it closed.
                    pending = new PendingSync(sequence);
                    _pendingSyncs.Writer.TryWrite(pending);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            return Task.FromException<long>(e);
        }
        finally
        {
            frame.Release();
        }

        Volatile.Write(ref _lastAppend, _time.GetTimestamp());
        if (_log.Length - Volatile.Read(ref _indexedTo) >= _options.IndexBacklogBytes && Interlocked.Exchange(ref _backlogSignalled, 1) == 0)
        {
            _commands.Writer.TryWrite(new IndexBacklog());
        }

        return pending is null ? Task.FromResult(sequence) : pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Delivers now if an hour boundary has passed since the last delivery (the hourly timer does the same).</summary>
    public Task DeliverIfDueAsync(CancellationToken cancellationToken = default)
    {
        var deliver = new Deliver(force: false);
        return Send(deliver, deliver.Completion.Task, cancellationToken);
    }

    /// <summary>For a graceful stop: writes the current log files and their digests at once.</summary>
    public Task CloseCurrentAsync(CancellationToken cancellationToken = default)
    {
        var deliver = new Deliver(force: true);
        return Send(deliver, deliver.Completion.Task, cancellationToken);
    }

    /// <summary>
    /// Deletes digests that ended before the retention window, the log files they list, the journal rows in those
    /// logs and the signature side files.
    /// </summary>
    public Task<PruneResult> PruneAsync(CancellationToken cancellationToken = default)
    {
        var prune = new Prune();
        return Send(prune, prune.Completion.Task, cancellationToken);
    }

    /// <summary>Retires the digest signing key (it stays listed) and signs with a new one from now on.</summary>
    public Task RotateSigningKeyAsync(CancellationToken cancellationToken = default)
    {
        var rotate = new RotateKey();
        return Send(rotate, rotate.Completion.Task, cancellationToken);
    }

    /// <summary>The keys that signed digests between <paramref name="start"/> and <paramref name="end"/> (ListPublicKeys).</summary>
    public IReadOnlyList<PublicKeyInfo> ListPublicKeys(DateTimeOffset? start = null, DateTimeOffset? end = null)
    {
        var now = _time.GetUtcNow();
        using var connection = JournalSchema.OpenReader(_options.JournalPath);
        return DigestSigningKey.List(connection, start ?? now, end ?? now);
    }

    /// <summary>
    /// CloudTrail's <c>ListPublicKeys</c>: every key that signed digests between <c>StartTime</c> and <c>EndTime</c>
    /// (epoch seconds; omitted means now), <c>Value</c> being the base64 PKCS#1 DER validate-logs loads.
    /// </summary>
    public CloudTrailResult ListPublicKeys(JsonElement request)
    {
        if (!EpochSeconds.TryRead(request, "StartTime", out var start) || !EpochSeconds.TryRead(request, "EndTime", out var end) ||
            (start is not null && end is not null && start > end))
        {
            return new CloudTrailResult(null, CloudTrailErrors.InvalidTimeRange());
        }

        var keys = ListPublicKeys(start is null ? null : DateTimeOffset.FromUnixTimeSeconds(start.Value),
            end is null ? null : DateTimeOffset.FromUnixTimeSeconds(end.Value));
        var list = new JsonArray();
        foreach (var key in keys)
        {
            var item = new JsonObject
            {
                ["Value"] = Convert.ToBase64String(key.Value),
                ["ValidityStartTime"] = key.ValidityStartTime.ToUnixTimeSeconds(),
            };
            if (key.ValidityEndTime is { } validityEnd)
            {
                item["ValidityEndTime"] = validityEnd.ToUnixTimeSeconds();
            }

            item["Fingerprint"] = key.Fingerprint;
            list.Add(item);
        }

        return new CloudTrailResult(new JsonObject { ["PublicKeyList"] = list }, null);
    }

    /// <summary>
    /// Starts delivering every log and digest file into its account's bucket in <paramref name="store"/>: the files not
    /// yet delivered at once, then each delivery as it is written; failures are retried. Call once.
    /// </summary>
    public void StartBucketDelivery(ITrailObjectStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var delivery = new BucketDelivery(_options, store, _time);
        if (Interlocked.CompareExchange(ref _bucketDelivery, delivery, null) is not null)
        {
            _ = delivery.DisposeAsync().AsTask();
            throw new InvalidOperationException("Bucket delivery has already started.");
        }
    }

    /// <summary>Delivers every written file not yet in its bucket now (graceful stop, tests); needs <see cref="StartBucketDelivery"/>.</summary>
    public Task<BucketDeliveryResult> DeliverToBucketsAsync(CancellationToken cancellationToken = default) =>
        (Volatile.Read(ref _bucketDelivery) ?? throw new InvalidOperationException("Bucket delivery has not started.")).DeliverPendingAsync(cancellationToken);

    /// <summary>The account's trail, as DescribeTrails and GetTrail describe it.</summary>
    public TrailDescription DescribeTrail(string accountId) => TrailDescription.For(_options, accountId);

    /// <summary>The account's trail's status: logging since the first open, and its deliveries into the bucket.</summary>
    public TrailStatus GetTrailStatus(string accountId)
    {
        using var connection = JournalSchema.OpenReader(_options.JournalPath);
        DateTimeOffset? Latest(string table)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT MAX(uploaded_at) FROM {table} WHERE account_id = $account";
            select.Parameters.AddWithValue("$account", accountId);
            return select.ExecuteScalar() is long seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        }

        return new TrailStatus(_loggingStarted, Latest("log_files"), Latest("digests"), Volatile.Read(ref _bucketDelivery)?.LastAttempt(accountId));
    }

    /// <summary>CloudTrail's <c>DescribeTrails</c> (<c>trailNameList</c> of names or ARNs, <c>includeShadowTrails</c>) for a call signed for <paramref name="callRegion"/>.</summary>
    public CloudTrailResult DescribeTrails(JsonElement request, string accountId, string callRegion) =>
        TrailRequests.DescribeTrails(request, _options, accountId, callRegion);

    /// <summary>CloudTrail's <c>GetTrail</c>: <c>{"Trail": …}</c> when <c>Name</c> is the trail's name or ARN, else <c>TrailNotFoundException</c>.</summary>
    public CloudTrailResult GetTrail(JsonElement request, string accountId, string callRegion) =>
        TrailRequests.Named(request, DescribeTrail(accountId), accountId, callRegion, () => new JsonObject { ["Trail"] = DescribeTrail(accountId).ToJson() });

    /// <summary>CloudTrail's <c>GetTrailStatus</c>, named like <see cref="GetTrail"/>.</summary>
    public CloudTrailResult GetTrailStatus(JsonElement request, string accountId, string callRegion) =>
        TrailRequests.Named(request, DescribeTrail(accountId), accountId, callRegion, () => GetTrailStatus(accountId).ToJson());

    /// <summary>The start of the oldest digest still kept, for verifying after retention has pruned older ones.</summary>
    public DateTimeOffset? OldestDigestStart() => OldestDigestStart(_options.Directory);

    /// <summary>The same for the trail in <paramref name="directory"/>, open or not (<c>irsa audit verify</c> with the server stopped).</summary>
    public static DateTimeOffset? OldestDigestStart(string directory)
    {
        using var connection = JournalSchema.OpenReader(Path.Combine(directory, JournalSchema.FileName));
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT MIN(start_time) FROM digests";
        return select.ExecuteScalar() is long seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    /// <summary>Refuses appends from now on, stops the loops after what is queued and indexes the rest of the log; does not deliver (call <see cref="CloseCurrentAsync"/> first for that).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_logLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _pendingSyncs?.Writer.TryComplete();
        }

        if (_syncer is not null)
        {
            await _syncer;
        }

        _commands.Writer.TryComplete();
        if (Volatile.Read(ref _bucketDelivery) is { } bucketDelivery)
        {
            // Files not delivered yet stay marked so and go out after the next start.
            await bucketDelivery.DisposeAsync();
        }

        await _deliveryTimer.DisposeAsync();
        await _indexTimer.DisposeAsync();
        if (_syncTimer is not null)
        {
            await _syncTimer.DisposeAsync();
        }

        await _indexer;
        try
        {
            IndexAll(recovering: false);
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidDataException)
        {
            // The log keeps what was not indexed; the next open indexes it.
        }

        _index.Dispose();
        _log.Dispose();
        SyncGate.Dispose();
        JournalSchema.Execute(_connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        await _connection.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _signingKey.Dispose();
    }

    private Task<T> Send<T>(Command command, Task<T> completion, CancellationToken cancellationToken) =>
        _commands.Writer.TryWrite(command) ? completion.WaitAsync(cancellationToken) : Task.FromException<T>(new ObjectDisposedException(nameof(AuditTrail)));

    private Task Send(Command command, Task completion, CancellationToken cancellationToken) =>
        _commands.Writer.TryWrite(command) ? completion.WaitAsync(cancellationToken) : Task.FromException(new ObjectDisposedException(nameof(AuditTrail)));

    /// <summary>
    /// Group commit when every append waits for the disk: each fsync serves every append queued before it began, so
    /// appends arriving during one fsync share the next.
    /// </summary>
    private async Task RunSyncerAsync(ChannelReader<PendingSync> reader)
    {
        var waiting = new List<PendingSync>();
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var pending))
            {
                waiting.Add(pending);
            }

            try
            {
                await SyncGate.WaitAsync();
                try
                {
                    _log.Sync();
                }
                finally
                {
                    SyncGate.Release();
                }

                Interlocked.Increment(ref _syncs);
                foreach (var pending in waiting)
                {
                    pending.Completion.TrySetResult(pending.Sequence);
                }
            }
            catch (Exception e)
            {
                // Whatever went wrong, the waiters must hear of it and the loop must live on for the next ones.
                foreach (var pending in waiting)
                {
                    pending.Completion.TrySetException(e);
                }
            }

            waiting.Clear();
        }
    }

    private async Task RunIndexerAsync()
    {
        var reader = _commands.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var command))
            {
                Execute(command);
            }

            // A backlog being caught up: chunk after chunk, between commands.
            while (_catchingUp && !reader.TryPeek(out _) && IndexChunkInBackground())
            {
            }
        }
    }

    /// <summary>The sync timer: an fsync of the log when entries were written since the last one (and none is running).</summary>
    private void SyncIfBehind()
    {
        var writes = Writes;
        if (writes == Interlocked.Read(ref _syncedWrites) || Interlocked.Exchange(ref _syncing, 1) == 1)
        {
            return;
        }

        try
        {
            _log.Sync();
            Interlocked.Exchange(ref _syncedWrites, writes);
            Interlocked.Increment(ref _syncs);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Failing or closing: the next tick tries again; a graceful stop indexes and fsyncs everything anyway.
        }
        finally
        {
            Volatile.Write(ref _syncing, 0);
        }
    }

    private void Execute(Command command)
    {
        try
        {
            switch (command)
            {
                case IndexIfIdle when _time.GetElapsedTime(Volatile.Read(ref _lastAppend)) >= _options.IndexIdle:
                    _catchingUp = _log.Length > _indexedTo;
                    break;
                case IndexBacklog:
                    _catchingUp = true;
                    break;
                case CatchUp catchUp:
                    IndexAll(recovering: false);
                    catchUp.Completion.TrySetResult();
                    break;
                case Deliver deliver:
                    IndexAll(recovering: false);
                    DeliverNow(deliver.Force);
                    deliver.Completion.TrySetResult();
                    break;
                case Prune prune:
                    prune.Completion.TrySetResult(Retention.Prune(_connection, _options.Directory, _time.GetUtcNow() - _options.Retention));
                    break;
                case RotateKey rotate:
                    var retired = _signingKey;
                    _signingKey = DigestSigningKey.Rotate(_connection, _protector, CloudTrailTime.TruncateToSeconds(_time.GetUtcNow()));
                    retired.Dispose();
                    rotate.Completion.TrySetResult();
                    break;
            }
        }
        catch (Exception e)
        {
            // As for appends: report to the caller, keep the indexer alive.
            command.Fail(e);
        }
    }

    private Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var catchUp = new CatchUp();
        return Send(catchUp, catchUp.Completion.Task, cancellationToken);
    }

    /// <summary>
    /// Indexes everything written before the call: appends going on meanwhile are not chased, so a query under load
    /// waits only for what was answered before it began.
    /// </summary>
    private void IndexAll(bool recovering)
    {
        var target = _log.Length;
        while (IndexChunk(recovering) && Volatile.Read(ref _indexedTo) < target)
        {
        }
    }

    /// <summary>A chunk of a backlog: a failure (a busy or failing disk) ends this catch-up; the next idle pause retries.</summary>
    private bool IndexChunkInBackground()
    {
        try
        {
            return IndexChunk(recovering: false);
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidDataException)
        {
            EndCatchUp();
            return false;
        }
    }

    /// <summary>
    /// Indexes the next chunk of the log in one transaction; returns whether more is left. Once everything is indexed the
    /// log is emptied (the index transaction is fsynced first, <c>synchronous=FULL</c>).
    /// </summary>
    /// <param name="recovering">At open: a frame cut short or failing its checksum is a torn tail (a crash during a write,
    /// never acknowledged) and is cut off. Later the same means the file was damaged: an error, nothing dropped.</param>
    private bool IndexChunk(bool recovering)
    {
        const int chunk = 1000;
        var frames = new List<JournalFrame>();
        var length = _log.Length;
        var end = _log.Read(_indexedTo, length, chunk, frames);
        if (frames.Count > 0)
        {
            _index.Insert(frames);
        }

        Volatile.Write(ref _indexedTo, end);
        if (frames.Count < chunk && end < length)
        {
            if (!recovering)
            {
                throw new InvalidDataException($"{_log} is damaged at offset {end}.");
            }

            _log.Truncate(length = end);
        }

        if (end < length)
        {
            return true;
        }

        lock (_logLock)
        {
            // Caught up with what was read; re-check under the lock, as an entry may have been appended since.
            if (_indexedTo < _log.Length)
            {
                return true;
            }

            _log.Truncate(JournalLog.Start);
            Volatile.Write(ref _indexedTo, JournalLog.Start);
        }

        EndCatchUp();
        return false;
    }

    /// <summary>The log is emptied (or indexing failed): the next pause or backlog signal starts another catch-up.</summary>
    private void EndCatchUp()
    {
        _catchingUp = false;
        Volatile.Write(ref _backlogSignalled, 0);
    }

    private void DeliverNow(bool force)
    {
        try
        {
            var now = CloudTrailTime.TruncateToSeconds(_time.GetUtcNow());
            if (!force && now < NextBoundary(_lastDelivery))
            {
                return; // Early (a timer may fire a little before the clock reads the boundary): the timer is re-armed below.
            }

            using (var transaction = _connection.BeginTransaction())
            {
                LogDelivery.Plan(_connection, transaction, _options, _signingKey, now, _lastDelivery);
                WriteState(_connection, transaction, LastDeliveryState, now);
                transaction.Commit();
            }

            _lastDelivery = now;
            LogDelivery.Materialize(_connection, _options.Directory);
            Volatile.Read(ref _bucketDelivery)?.Wake();
        }
        finally
        {
            // Always re-armed, so one failed or early delivery never stops the hourly schedule.
            ArmDeliveryTimer();
        }
    }

    private void ArmDeliveryTimer()
    {
        var due = NextBoundary(_lastDelivery) - _time.GetUtcNow();
        _deliveryTimer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private static DateTimeOffset NextBoundary(DateTimeOffset time) =>
        new DateTimeOffset(time.UtcDateTime.Year, time.UtcDateTime.Month, time.UtcDateTime.Day, time.UtcDateTime.Hour, 0, 0, TimeSpan.Zero).AddHours(1);

    private static DateTimeOffset? ReadState(SqliteConnection connection, string name)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT value FROM trail_state WHERE name = $name";
        select.Parameters.AddWithValue("$name", name);
        return select.ExecuteScalar() is string value ? DateTimeOffset.FromUnixTimeSeconds(long.Parse(value, CultureInfo.InvariantCulture)) : null;
    }

    private static void WriteState(SqliteConnection connection, SqliteTransaction? transaction, string name, DateTimeOffset value)
    {
        using var state = connection.CreateCommand();
        state.Transaction = transaction;
        state.CommandText = "INSERT INTO trail_state (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = $value";
        state.Parameters.AddWithValue("$name", name);
        state.Parameters.AddWithValue("$value", value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        state.ExecuteNonQuery();
    }

    /// <summary>
    /// Records when the trail began logging: now for a new trail; for a journal from before this was recorded, when its
    /// first signing key was created, which was its first open.
    /// </summary>
    private static DateTimeOffset StartLogging(SqliteConnection connection, DateTimeOffset now)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT MIN(valid_from) FROM signing_keys";
        var started = select.ExecuteScalar() is long seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : now;
        WriteState(connection, null, LoggingStartedState, started);
        return started;
    }

    private abstract class Command
    {
        public abstract void Fail(Exception exception);
    }

    /// <summary>An entry written to the log, waiting for an fsync.</summary>
    private sealed class PendingSync(long sequence)
    {
        public long Sequence => sequence;

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The index timer's tick: a catch-up starts when no append has come for <see cref="AuditTrailOptions.IndexIdle"/>.</summary>
    private sealed class IndexIfIdle : Command
    {
        public override void Fail(Exception exception)
        {
        }
    }

    /// <summary>An append's signal: the unindexed log reached <see cref="AuditTrailOptions.IndexBacklogBytes"/>.</summary>
    private sealed class IndexBacklog : Command
    {
        public override void Fail(Exception exception)
        {
        }
    }

    /// <summary>A query's request: everything appended before it is indexed.</summary>
    private sealed class CatchUp : Command
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    private sealed class Deliver(bool force) : Command
    {
        public bool Force => force;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    private sealed class Prune : Command
    {
        public TaskCompletionSource<PruneResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    private sealed class RotateKey : Command
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }
}
