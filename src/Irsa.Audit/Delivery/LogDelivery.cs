using System.Buffers;
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
/// A delivery is decided in one journal transaction (which rows go to which log key, each log's hash, the digest
/// bytes and signature) and only then written as files. Files still flagged unwritten are written again on the next
/// open, from the same rows in the same order, so a crash between the commit and the files loses nothing and never
/// produces two logs for one record.
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
                using var reader = select.ExecuteReader();
                var records = new List<byte[]>();
                while (reader.Read())
                {
                    records.Add((byte[])reader[0]);
                }

                WriteGzip(TrailKeys.PathOf(directory, key), LogBytes(records));
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

    /// <summary>The uncompressed bytes of a log file: <c>{"Records":[r1,r2,…]}</c> from the stored record bytes.</summary>
    public static byte[] LogBytes(IReadOnlyList<byte[]> records)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(LogPrefix);
        for (var i = 0; i < records.Count; i++)
        {
            if (i > 0)
            {
                buffer.Write(","u8);
            }

            buffer.Write(records[i]);
        }

        buffer.Write(LogSuffix);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="content"/> as a single-member gzip file: to a temporary file, fsynced, then renamed into place,
    /// so a reader never sees a partial file.
    /// </summary>
    public static void WriteGzip(string path, byte[] content)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        WriteDurably(path, compressed.ToArray());
    }

    public static void WriteDurably(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static LogFileEntry PlanLog(SqliteConnection connection, SqliteTransaction transaction, AuditTrailOptions options,
        (string Account, string Region) stream, List<PendingRow> rows, DateTimeOffset now)
    {
        var key = TrailKeys.LogKey(options.KeyPrefix, stream.Account, stream.Region, now);
        var hash = Convert.ToHexStringLower(SHA256.HashData(LogBytes([.. rows.Select(r => r.Record)])));
        var oldest = DateTimeOffset.FromUnixTimeSeconds(rows.Min(r => r.EventTime));
        var newest = DateTimeOffset.FromUnixTimeSeconds(rows.Max(r => r.EventTime));
        using (var assign = connection.CreateCommand())
        {
            assign.Transaction = transaction;
            assign.CommandText = "UPDATE events SET log_key = $key WHERE log_key IS NULL AND account_id = $account AND region = $region AND seq <= $last";
            assign.Parameters.AddWithValue("$key", key);
            assign.Parameters.AddWithValue("$account", stream.Account);
            assign.Parameters.AddWithValue("$region", stream.Region);
            assign.Parameters.AddWithValue("$last", rows[^1].Seq);
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

    private static Dictionary<(string Account, string Region), List<PendingRow>> ReadPending(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT seq, account_id, region, event_time, record FROM events WHERE log_key IS NULL ORDER BY seq";
        using var reader = select.ExecuteReader();
        var pending = new Dictionary<(string, string), List<PendingRow>>();
        while (reader.Read())
        {
            var stream = (reader.GetString(1), reader.GetString(2));
            if (!pending.TryGetValue(stream, out var rows))
            {
                pending[stream] = rows = [];
            }

            rows.Add(new PendingRow(reader.GetInt64(0), reader.GetInt64(3), (byte[])reader[4]));
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

    private sealed record PendingRow(long Seq, long EventTime, byte[] Record);

    private sealed record Chain(DateTimeOffset LastEnd, string LastKey, string LastHash, string LastSignature);
}
