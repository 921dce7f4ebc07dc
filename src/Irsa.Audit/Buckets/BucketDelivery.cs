using System.Collections.Concurrent;
using System.Threading.Channels;
using Irsa.Audit.Delivery;
using Irsa.Audit.Journal;
using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Buckets;

/// <summary>What one pass of bucket delivery did.</summary>
/// <param name="Delivered">Objects put.</param>
/// <param name="Failed">Objects that failed (each failure stops its account's pass; the rest wait for the retry).</param>
public sealed record BucketDeliveryResult(int Delivered, int Failed);

/// <summary>How an account's last delivery attempt went (GetTrailStatus' <c>LatestDelivery*</c> fields).</summary>
/// <param name="Time">When the attempt was made.</param>
/// <param name="LogError">Why putting a log file failed; <c>null</c> when it did not.</param>
/// <param name="DigestError">Why putting a digest failed; <c>null</c> when it did not.</param>
public sealed record DeliveryAttempt(DateTimeOffset Time, string? LogError, string? DigestError)
{
    public bool Succeeded => LogError is null && DigestError is null;
}

/// <summary>
/// Copies the trail's written log and digest files into each account's bucket, logs before the digests that list them,
/// and marks them delivered in the journal. A failed put is retried with backoff (1 s doubling to 5 min) and at every
/// new delivery; until then the file under the trail's folder is the only copy and stays the source of truth.
/// </summary>
internal sealed class BucketDelivery : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(5);

    private readonly AuditTrailOptions _options;
    private readonly ITrailObjectStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _onePass = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, DeliveryAttempt> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _bucketsReady = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public BucketDelivery(AuditTrailOptions options, ITrailObjectStore store, TimeProvider time)
    {
        _options = options;
        _store = store;
        _time = time;
        Wake();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Asks for a pass soon (after a delivery wrote new files).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    public DeliveryAttempt? LastAttempt(string accountId) => _attempts.GetValueOrDefault(accountId);

    /// <summary>Puts every written, undelivered file into its bucket now; returns once the pass is over.</summary>
    public async Task<BucketDeliveryResult> DeliverPendingAsync(CancellationToken cancellationToken)
    {
        await _onePass.WaitAsync(cancellationToken);
        try
        {
            await using var connection = new SqliteConnection(JournalSchema.ConnectionString(_options.JournalPath, readOnly: false));
            await connection.OpenAsync(cancellationToken);
            var logs = Pending(connection, "SELECT s3_key, account_id, NULL FROM log_files WHERE written = 1 AND uploaded_at IS NULL ORDER BY delivered_at, s3_key");
            var digests = Pending(connection, "SELECT s3_key, account_id, signature FROM digests WHERE written = 1 AND uploaded_at IS NULL ORDER BY end_time, s3_key");
            var (delivered, failed) = (0, 0);
            foreach (var account in logs.Select(l => l.Account).Union(digests.Select(d => d.Account)).Order(StringComparer.Ordinal))
            {
                var attempt = await DeliverAccountAsync(connection, account, [.. logs.Where(l => l.Account == account)],
                    [.. digests.Where(d => d.Account == account)], cancellationToken);
                delivered += attempt.Delivered;
                failed += attempt.Succeeded ? 0 : 1;
            }

            return new BucketDeliveryResult(delivered, failed);
        }
        finally
        {
            _onePass.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            _wake.Writer.TryComplete();
            await _loop;
            _stop.Dispose();
            _onePass.Dispose();
        }
    }

    private async Task<(int Delivered, bool Succeeded)> DeliverAccountAsync(SqliteConnection connection, string account, List<PendingFile> logs,
        List<PendingFile> digests, CancellationToken cancellationToken)
    {
        var bucket = _options.BucketFor(account);
        var delivered = 0;
        var now = _time.GetUtcNow();
        var stage = "log";
        try
        {
            if (!_bucketsReady.ContainsKey(bucket))
            {
                await _store.EnsureBucketAsync(account, bucket, cancellationToken);
                _bucketsReady[bucket] = true;
            }

            // Logs first: a digest in the bucket never names a log that is not there yet.
            foreach (var log in logs)
            {
                await PutAsync(connection, "log_files", bucket, log, new Dictionary<string, string>(), cancellationToken);
                delivered++;
            }

            stage = "digest";
            foreach (var digest in digests)
            {
                // The metadata validate-logs reads from GetObject (x-amz-meta-signature, x-amz-meta-signature-algorithm).
                var metadata = new Dictionary<string, string>
                {
                    ["signature"] = digest.Signature!,
                    ["signature-algorithm"] = DigestFile.SignatureAlgorithm,
                };
                await PutAsync(connection, "digests", bucket, digest, metadata, cancellationToken);
                delivered++;
            }

            _attempts[account] = new DeliveryAttempt(now, null, null);
            return (delivered, true);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any failure of the store or the disk: this account waits for the retry, the other accounts go on.
            var reason = e.Message;
            _attempts[account] = stage == "log" ? new DeliveryAttempt(now, reason, null) : new DeliveryAttempt(now, null, reason);
            _bucketsReady.TryRemove(bucket, out _);
            return (delivered, false);
        }
    }

    private async Task PutAsync(SqliteConnection connection, string table, string bucket, PendingFile file, Dictionary<string, string> metadata,
        CancellationToken cancellationToken)
    {
        await _store.PutObjectAsync(new TrailObject(bucket, file.Key, TrailKeys.PathOf(_options.Directory, file.Key), metadata), cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = $"UPDATE {table} SET uploaded_at = $now WHERE s3_key = $key";
        update.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeSeconds());
        update.Parameters.AddWithValue("$key", file.Key);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<PendingFile> Pending(SqliteConnection connection, string sql)
    {
        using var select = connection.CreateCommand();
        select.CommandText = sql;
        using var reader = select.ExecuteReader();
        var files = new List<PendingFile>();
        while (reader.Read())
        {
            files.Add(new PendingFile(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return files;
    }

    private async Task RunAsync()
    {
        var retry = FirstRetry;
        var wait = Timeout.InfiniteTimeSpan;
        while (!_stop.IsCancellationRequested)
        {
            // The retry delay runs on the trail's clock, so tests can advance it.
            using (var delay = wait == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(wait, _time))
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, delay.Token))
            {
                try
                {
                    if (!await _wake.Reader.WaitToReadAsync(timeout.Token))
                    {
                        return;
                    }

                    _wake.Reader.TryRead(out _);
                }
                catch (OperationCanceledException)
                {
                    if (_stop.IsCancellationRequested)
                    {
                        return;
                    }

                    // Otherwise the retry delay ran out.
                }
            }

            try
            {
                var result = await DeliverPendingAsync(_stop.Token);
                (wait, retry) = result.Failed == 0 ? (Timeout.InfiniteTimeSpan, FirstRetry) : (retry, Min(retry * 2, LastRetry));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is SqliteException or IOException)
            {
                // The journal was busy or unreadable: try again later, like a failed put.
                (wait, retry) = (retry, Min(retry * 2, LastRetry));
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed record PendingFile(string Key, string Account, string? Signature);
}
