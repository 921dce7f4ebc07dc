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
/// <para>One writer loop owns the journal's write connection: appends queue on a channel, and whatever has queued
/// while the previous transaction committed goes into the next one, so many concurrent appends share one fsync.</para>
/// <para><b>Durability:</b> the journal is SQLite in WAL mode. <see cref="AppendAsync"/> completes only after the
/// transaction holding the entry has committed, so an acknowledged entry survives <c>kill -9</c>. By default a passive
/// checkpoint fsyncs the WAL every <see cref="AuditTrailOptions.SyncInterval"/> (100 ms) while appends arrive, so a
/// power loss can lose at most that much; with no interval every batch is fsynced before its appends complete
/// (<c>synchronous=FULL</c>), and an acknowledged entry also survives an OS crash and a power loss, as far as the
/// storage honours fsync, at the price of the disk's fsync latency on every audited call.</para>
/// </remarks>
public sealed class AuditTrail : IAsyncDisposable
{
    private const string LastDeliveryState = "last_delivery";
    private const string LoggingStartedState = "logging_started";

    private readonly AuditTrailOptions _options;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly SqliteConnection _connection;
    private readonly JournalWriter _journal;
    private readonly Channel<Command> _commands = Channel.CreateUnbounded<Command>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ITimer _deliveryTimer;
    private readonly ITimer? _syncTimer;
    private long _syncedCommits;
    private int _syncing;
    private readonly Task _writer;
    private readonly DateTimeOffset _loggingStarted;
    private DigestSigningKey _signingKey;
    private DateTimeOffset _lastDelivery;
    private BucketDelivery? _bucketDelivery;

    private AuditTrail(AuditTrailOptions options, SecretProtector protector, TimeProvider time, SqliteConnection connection,
        DigestSigningKey signingKey, DateTimeOffset lastDelivery, DateTimeOffset loggingStarted)
    {
        _loggingStarted = loggingStarted;
        _options = options;
        _protector = protector;
        _time = time;
        _connection = connection;
        _journal = new JournalWriter(connection);
        _signingKey = signingKey;
        _lastDelivery = lastDelivery;
        Queries = new AuditQueries(options.JournalPath);
        _deliveryTimer = time.CreateTimer(_ => _commands.Writer.TryWrite(new Deliver(force: false)), null, Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        ArmDeliveryTimer();
        if (options.SyncInterval is { } interval)
        {
            _syncTimer = time.CreateTimer(_ => SyncIfBehind(), null, interval, interval);
        }

        _writer = Task.Run(RunWriterAsync);
    }

    public AuditTrailOptions Options => _options;

    /// <summary>How many journal transactions appends have used (for tests of group commit).</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    private long _commits;

    /// <summary>How many checkpoints the sync timer ran (for tests of the sync interval).</summary>
    internal long Syncs { get; private set; }

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
        var connection = JournalSchema.OpenWriter(options.JournalPath, fsyncEachCommit: options.SyncInterval is null);
        try
        {
            var now = CloudTrailTime.TruncateToSeconds(time.GetUtcNow());
            var key = DigestSigningKey.LoadOrCreate(connection, protector, now);
            var lastDelivery = ReadState(connection, LastDeliveryState) ?? now;
            var loggingStarted = ReadState(connection, LoggingStartedState) ?? StartLogging(connection, now);
            LogDelivery.Materialize(connection, options.Directory);
            return new AuditTrail(options, protector, time, connection, key, lastDelivery, loggingStarted);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Journals <paramref name="entry"/> and returns its sequence number once it is committed to disk.
    /// </summary>
    /// <remarks>Cancelling stops the wait, not the write: an entry already queued may still be committed.</remarks>
    public Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // Serialising here, on the caller's thread, keeps the single writer doing nothing but inserts.
        var append = new Append(entry, CloudTrailRecordWriter.ToUtf8Bytes(entry.Record),
            entry.Explanation is null ? null : JsonSerializer.Serialize(entry.Explanation, AuditJson.Options));
        return Send(append, append.Completion.Task, cancellationToken);
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

    /// <summary>Stops the writer after the queued commands; does not deliver (call <see cref="CloseCurrentAsync"/> first for that).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_commands.Writer.TryComplete())
        {
            if (Volatile.Read(ref _bucketDelivery) is { } bucketDelivery)
            {
                // Files not delivered yet stay marked so and go out after the next start.
                await bucketDelivery.DisposeAsync();
            }

            await _deliveryTimer.DisposeAsync();
            if (_syncTimer is not null)
            {
                await _syncTimer.DisposeAsync();
            }

            await _writer;
            _journal.Dispose();
            JournalSchema.Execute(_connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            await _connection.DisposeAsync();
            SqliteConnection.ClearAllPools();
            _signingKey.Dispose();
        }
    }

    private Task<T> Send<T>(Command command, Task<T> completion, CancellationToken cancellationToken) =>
        _commands.Writer.TryWrite(command) ? completion.WaitAsync(cancellationToken) : Task.FromException<T>(new ObjectDisposedException(nameof(AuditTrail)));

    private Task Send(Command command, Task completion, CancellationToken cancellationToken) =>
        _commands.Writer.TryWrite(command) ? completion.WaitAsync(cancellationToken) : Task.FromException(new ObjectDisposedException(nameof(AuditTrail)));

    private async Task RunWriterAsync()
    {
        var batch = new List<Append>();
        var reader = _commands.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var command))
            {
                if (command is Append append)
                {
                    batch.Add(append);
                    if (batch.Count >= _options.MaxBatchSize)
                    {
                        Commit(batch);
                    }

                    continue;
                }

                // Anything else sees every append queued before it.
                Commit(batch);
                Execute(command);
            }

            Commit(batch);
        }
    }

    /// <summary>The sync timer: a checkpoint when commits were made since the last one (and none is running).</summary>
    private void SyncIfBehind()
    {
        var commits = Commits;
        if (commits == Interlocked.Read(ref _syncedCommits) || Interlocked.Exchange(ref _syncing, 1) == 1)
        {
            return;
        }

        try
        {
            JournalSchema.Checkpoint(_options.JournalPath);
            Interlocked.Exchange(ref _syncedCommits, commits);
            Syncs++;
        }
        catch (SqliteException)
        {
            // Busy or closing: the next tick tries again; a graceful stop ends with a full checkpoint anyway.
        }
        finally
        {
            Volatile.Write(ref _syncing, 0);
        }
    }

    private void Commit(List<Append> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            var sequences = _journal.Insert([.. batch.Select(a => (a.Entry, a.Record, a.Explanation))]);
            Interlocked.Increment(ref _commits);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(sequences[i]);
            }
        }
        catch (Exception e)
        {
            // Whatever went wrong, the waiters must hear of it and the loop must live on for the next batch.
            foreach (var append in batch)
            {
                append.Fail(e);
            }
        }

        batch.Clear();
    }

    private void Execute(Command command)
    {
        try
        {
            switch (command)
            {
                case Deliver deliver:
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
            // As for appends: report to the caller, keep the writer loop alive.
            command.Fail(e);
        }
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

    private sealed class Append(AuditEntry entry, byte[] record, string? explanation) : Command
    {
        public AuditEntry Entry => entry;

        public byte[] Record => record;

        public string? Explanation => explanation;

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
