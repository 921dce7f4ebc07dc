using Irsa.Audit.Delivery;
using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Journal;

/// <summary>What <see cref="AuditTrail.PruneAsync"/> removed.</summary>
public sealed record PruneResult(int Digests, int LogFiles, int Records);

/// <summary>
/// Deletes whole delivery units older than the retention window: a digest that ended before the cutoff, the log
/// files it lists and the journal rows in them. The oldest kept digest then points at a deleted one, which the
/// verifier accepts when asked to start at that digest (<see cref="AuditTrail.OldestDigestStart()"/>).
/// </summary>
internal static class Retention
{
    public static PruneResult Prune(SqliteConnection connection, string directory, DateTimeOffset cutoff)
    {
        var cutoffSeconds = ("$cutoff", (object)cutoff.ToUnixTimeSeconds());
        var digests = JournalSchema.ReadStrings(connection, "SELECT s3_key FROM digests WHERE end_time < $cutoff AND written = 1", cutoffSeconds);
        // A log is listed by the digest of the delivery that wrote it, which ends at the log's delivery time.
        var logs = JournalSchema.ReadStrings(connection, "SELECT s3_key FROM log_files WHERE delivered_at < $cutoff AND written = 1", cutoffSeconds);

        var records = 0;
        using (var transaction = connection.BeginTransaction())
        {
            foreach (var log in logs)
            {
                records += Delete(connection, transaction, "DELETE FROM events WHERE log_key = $key", log);
                Delete(connection, transaction, "DELETE FROM log_files WHERE s3_key = $key", log);
            }

            foreach (var digest in digests)
            {
                Delete(connection, transaction, "DELETE FROM digests WHERE s3_key = $key", digest);
            }

            transaction.Commit();
        }

        // Files go after the commit: a crash in between leaves files the journal no longer knows, never the reverse.
        foreach (var key in logs)
        {
            File.Delete(TrailKeys.PathOf(directory, key));
        }

        foreach (var key in digests)
        {
            var path = TrailKeys.PathOf(directory, key);
            File.Delete(path);
            File.Delete(TrailKeys.SignatureFile(path));
        }

        return new PruneResult(digests.Count, logs.Count, records);
    }

    private static int Delete(SqliteConnection connection, SqliteTransaction transaction, string sql, string key)
    {
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = sql;
        delete.Parameters.AddWithValue("$key", key);
        return delete.ExecuteNonQuery();
    }
}
