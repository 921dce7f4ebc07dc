using System.IO.Compression;
using System.Security.Cryptography;
using Irsa.Audit.Journal;
using Irsa.Audit.Records;
using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Delivery;

/// <summary>
/// Turns undelivered journal rows into CloudTrail log files and signs a digest per account and region.
/// </summary>
/// <remarks>
/// <para>A log file's records are streamed from the journal, hashed and then compressed straight into the file, one
/// record at a time: an hour of a busy server can hold millions of records, so nothing here holds a whole log in
/// memory.</para>
/// <para>A delivery is decided in one journal transaction (which rows go to which log key, each log's hash, the digest
/// bytes and signature) and only then written as files. Files still flagged unwritten are written again on the next
/// open, from the same rows in the same order, so a crash between the commit and the files loses nothing and never
/// produces two logs for one record.</para>
/// </remarks>
internal static class LogDelivery
{
    private static readonly byte[] LogPrefix = """{"Records":["""u8.ToArray();
    private static readonly byte[] LogSuffix = "]}"u8.ToArray();

    /// <summary>Plans a delivery at <paramref name="now"/> inside <paramref name="transaction"/>; returns the number of log files planned.</summary>
    public static int Plan(SqliteConnection connection, SqliteTransaction transaction, AuditTrailOptions options, DigestSigningKey key,
        DateTimeOffset now, DateTimeOffset previousDelivery)
    {
        var pending = ReadPending(connection, transaction);
        var chains = ReadChains(connection, transaction);
        var streams = pending.Keys.Union(chains.Keys).Order().ToList();
        var logs = 0;
        foreach (var stream in streams)
        {
            chains.TryGetValue(stream, out var chain);
            if (chain is not null && chain.LastEnd >= now)
            {
                continue; // A digest already ends this second; these rows wait for the next delivery.
            }

            var logFiles = new List<LogFileEntry>();
            if (pending.TryGetValue(stream, out var rows))
            {
                logFiles.Add(PlanLog(connection, transaction, options, stream, rows, now));
                logs++;
            }

            PlanDigest(connection, transaction, options, key, stream, chain, logFiles, chain is null ? previousDelivery : chain.LastEnd, now);
        }

        return logs;
    }

    /// <summary>Writes every planned file not yet on disk (logs first, so a digest never names a missing log).</summary>
    public static void Materialize(SqliteConnection connection, string directory)
    {
        foreach (var key in JournalSchema.ReadStrings(connection, "SELECT s3_key FROM log_files WHERE written = 0"))
        {
            using (var select = connection.CreateCommand())
            {
                select.CommandText = "SELECT record FROM events WHERE log_key = $key ORDER BY seq";
                select.Parameters.AddWithValue("$key", key);
                WriteGzip(TrailKeys.PathOf(directory, key), gzip => WriteLog(select, gzip.Write));
            }

            MarkWritten(connection, "log_files", key);
        }

        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT s3_key, body, signature FROM digests WHERE written = 0";
            var digests = new List<(string Key, byte[] Body, string Signature)>();
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    digests.Add((reader.GetString(0), (byte[])reader[1], reader.GetString(2)));
                }
            }

            foreach (var (key, body, signature) in digests)
            {
                var path = TrailKeys.PathOf(directory, key);
                WriteGzip(path, body);
                WriteDurably(TrailKeys.SignatureFile(path), DigestSignature.Serialize(signature));
                MarkWritten(connection, "digests", key);
            }
        }
    }

    /// <summary>
    /// Writes the uncompressed log file, <c>{"Records":[r1,r2,…]}</c>, from the stored record bytes <paramref name="records"/>
    /// selects (one column, in order), a record at a time.
    /// </summary>
    private static void WriteLog(SqliteCommand records, Action<ReadOnlySpan<byte>> sink)
    {
        using var reader = records.ExecuteReader();
        sink(LogPrefix);
        var first = true;
        while (reader.Read())
        {
            if (!first)
            {
                sink(","u8);
            }

            sink((byte[])reader[0]);
            first = false;
        }

        sink(LogSuffix);
    }

    /// <summary>Writes <paramref name="content"/> as a single-member gzip file, durably.</summary>
    public static void WriteGzip(string path, byte[] content) => WriteGzip(path, gzip => gzip.Write(content));

    /// <summary>Writes a single-member gzip file whose content <paramref name="write"/> writes, durably (<see cref="WriteDurably(string, Action{Stream})"/>).</summary>
    private static void WriteGzip(string path, Action<Stream> write) => WriteDurably(path, file =>
    {
        using var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
        write(gzip);
    });

    public static void WriteDurably(string path, byte[] content) => WriteDurably(path, file => file.Write(content));

    /// <summary>
    /// Writes a file through <paramref name="write"/>: to a temporary file, fsynced, then renamed into place, so a reader
    /// never sees a partial file.
    /// </summary>
    private static void WriteDurably(string path, Action<Stream> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024))
        {
            write(file);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static LogFileEntry PlanLog(SqliteConnection connection, SqliteTransaction transaction, AuditTrailOptions options,
        (string Account, string Region) stream, PendingStream rows, DateTimeOffset now)
    {
        var key = TrailKeys.LogKey(options.KeyPrefix, stream.Account, stream.Region, now);
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT record FROM events WHERE log_key IS NULL AND account_id = $account AND region = $region AND seq <= $last ORDER BY seq";
            select.Parameters.AddWithValue("$account", stream.Account);
            select.Parameters.AddWithValue("$region", stream.Region);
            select.Parameters.AddWithValue("$last", rows.LastSeq);
            WriteLog(select, hasher.AppendData);
        }

        var hash = Convert.ToHexStringLower(hasher.GetHashAndReset());
        var oldest = DateTimeOffset.FromUnixTimeSeconds(rows.OldestEvent);
        var newest = DateTimeOffset.FromUnixTimeSeconds(rows.NewestEvent);
        using (var assign = connection.CreateCommand())
        {
            assign.Transaction = transaction;
            assign.CommandText = "UPDATE events SET log_key = $key WHERE log_key IS NULL AND account_id = $account AND region = $region AND seq <= $last";
            assign.Parameters.AddWithValue("$key", key);
            assign.Parameters.AddWithValue("$account", stream.Account);
            assign.Parameters.AddWithValue("$region", stream.Region);
            assign.Parameters.AddWithValue("$last", rows.LastSeq);
            assign.ExecuteNonQuery();
        }

        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO log_files (s3_key, account_id, region, delivered_at, hash, oldest_event, newest_event, written)
                VALUES ($key, $account, $region, $delivered, $hash, $oldest, $newest, 0)
                """;
            insert.Parameters.AddWithValue("$key", key);
            insert.Parameters.AddWithValue("$account", stream.Account);
            insert.Parameters.AddWithValue("$region", stream.Region);
            insert.Parameters.AddWithValue("$delivered", now.ToUnixTimeSeconds());
            insert.Parameters.AddWithValue("$hash", hash);
            insert.Parameters.AddWithValue("$oldest", oldest.ToUnixTimeSeconds());
            insert.Parameters.AddWithValue("$newest", newest.ToUnixTimeSeconds());
            insert.ExecuteNonQuery();
        }

        return new LogFileEntry(options.BucketFor(stream.Account), key, hash, oldest, newest);
    }

    private static void PlanDigest(SqliteConnection connection, SqliteTransaction transaction, AuditTrailOptions options, DigestSigningKey signingKey,
        (string Account, string Region) stream, Chain? previous, List<LogFileEntry> logFiles, DateTimeOffset start, DateTimeOffset end)
    {
        var bucket = options.BucketFor(stream.Account);
        var key = TrailKeys.DigestKey(options.KeyPrefix, stream.Account, stream.Region, options.TrailName, options.HomeRegion, end);
        var digest = new DigestFile
        {
            AccountId = stream.Account,
            StartTime = start,
            EndTime = end,
            Bucket = bucket,
            Key = key,
            Fingerprint = signingKey.Fingerprint,
            PreviousBucket = previous is null ? null : bucket,
            PreviousKey = previous?.LastKey,
            PreviousHash = previous?.LastHash,
            PreviousSignature = previous?.LastSignature,
            LogFiles = logFiles,
        };
        var body = digest.ToUtf8Bytes();
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        var signature = signingKey.SignHex(DigestFile.StringToSign(CloudTrailTime.Iso(end), bucket, key, hash, previous?.LastSignature));

        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO digests (s3_key, account_id, region, start_time, end_time, body, signature, written)
                VALUES ($key, $account, $region, $start, $end, $body, $signature, 0)
                """;
            insert.Parameters.AddWithValue("$key", key);
            insert.Parameters.AddWithValue("$account", stream.Account);
            insert.Parameters.AddWithValue("$region", stream.Region);
            insert.Parameters.AddWithValue("$start", start.ToUnixTimeSeconds());
            insert.Parameters.AddWithValue("$end", end.ToUnixTimeSeconds());
            insert.Parameters.AddWithValue("$body", body);
            insert.Parameters.AddWithValue("$signature", signature);
            insert.ExecuteNonQuery();
        }

        using var chain = connection.CreateCommand();
        chain.Transaction = transaction;
        chain.CommandText = """
            INSERT INTO chains (account_id, region, last_end, last_key, last_hash, last_signature)
            VALUES ($account, $region, $end, $key, $hash, $signature)
            ON CONFLICT (account_id, region) DO UPDATE SET last_end = $end, last_key = $key, last_hash = $hash, last_signature = $signature
            """;
        chain.Parameters.AddWithValue("$account", stream.Account);
        chain.Parameters.AddWithValue("$region", stream.Region);
        chain.Parameters.AddWithValue("$end", end.ToUnixTimeSeconds());
        chain.Parameters.AddWithValue("$key", key);
        chain.Parameters.AddWithValue("$hash", hash);
        chain.Parameters.AddWithValue("$signature", signature);
        chain.ExecuteNonQuery();
    }

    /// <summary>Per account and region, what the undelivered rows span (their records are read when the log is hashed and written).</summary>
    private static Dictionary<(string Account, string Region), PendingStream> ReadPending(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = """
            SELECT account_id, region, MAX(seq), MIN(event_time), MAX(event_time) FROM events WHERE log_key IS NULL
            GROUP BY account_id, region
            """;
        using var reader = select.ExecuteReader();
        var pending = new Dictionary<(string, string), PendingStream>();
        while (reader.Read())
        {
            pending[(reader.GetString(0), reader.GetString(1))] = new PendingStream(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }

        return pending;
    }

    private static Dictionary<(string Account, string Region), Chain> ReadChains(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT account_id, region, last_end, last_key, last_hash, last_signature FROM chains";
        using var reader = select.ExecuteReader();
        var chains = new Dictionary<(string, string), Chain>();
        while (reader.Read())
        {
            chains[(reader.GetString(0), reader.GetString(1))] = new Chain(DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2)),
                reader.GetString(3), reader.GetString(4), reader.GetString(5));
        }

        return chains;
    }

    private static void MarkWritten(SqliteConnection connection, string table, string key)
    {
        using var update = connection.CreateCommand();
        update.CommandText = $"UPDATE {table} SET written = 1 WHERE s3_key = $key";
        update.Parameters.AddWithValue("$key", key);
        update.ExecuteNonQuery();
    }

    private sealed record PendingStream(long LastSeq, long OldestEvent, long NewestEvent);

    private sealed record Chain(DateTimeOffset LastEnd, string LastKey, string LastHash, string LastSignature);
}
