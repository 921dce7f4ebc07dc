using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Journal;

/// <summary>
/// The journal's single writer: inserts a batch of entries in one transaction (one commit, one WAL write), one row per entry.
/// </summary>
/// <remarks>
/// Under load most batches are small, so the per-batch work is kept to the rows and the commit: the statement is
/// prepared once for the connection's life, and the writer numbers entries from a counter read once at open (it is
/// the only writer).
/// </remarks>
internal sealed class JournalWriter : IDisposable
{
    /// <summary>The <c>events</c> row: each column, its type and where its value comes from.</summary>
    private static readonly (string Name, SqliteType Type, Func<Row, object?> Value)[] Columns =
    [
        ("seq", SqliteType.Integer, r => r.Seq),
        ("event_id", SqliteType.Text, r => r.Entry.EventId),
        ("request_id", SqliteType.Text, r => r.Entry.RequestId),
        ("event_time", SqliteType.Integer, r => r.Entry.EventTime.ToUnixTimeSeconds()),
        ("event_name", SqliteType.Text, r => r.Entry.EventName),
        ("event_source", SqliteType.Text, r => r.Entry.EventSource),
        ("read_only", SqliteType.Integer, r => r.Entry.ReadOnly ? 1 : 0),
        ("username", SqliteType.Text, r => r.Entry.EffectiveUsername),
        ("access_key_id", SqliteType.Text, r => r.Entry.AccessKeyId),
        ("account_id", SqliteType.Text, r => r.Entry.RecipientAccountId),
        ("region", SqliteType.Text, r => r.Entry.Record.AwsRegion),
        ("error_code", SqliteType.Text, r => r.Entry.ErrorCode),
        ("cluster", SqliteType.Text, r => r.Entry.Pod?.ClusterName),
        ("issuer", SqliteType.Text, r => r.Entry.Pod?.Issuer),
        ("namespace", SqliteType.Text, r => r.Entry.Pod?.Namespace),
        ("service_account", SqliteType.Text, r => r.Entry.Pod?.ServiceAccount),
        ("pod_name", SqliteType.Text, r => r.Entry.Pod?.PodName),
        ("pod_uid", SqliteType.Text, r => r.Entry.Pod?.PodUid),
        ("role_arn", SqliteType.Text, r => r.Entry.EffectiveRoleArn),
        ("record", SqliteType.Blob, r => r.Record),
        ("explanation", SqliteType.Text, r => r.Explanation),
        ("resources", SqliteType.Text, r => ResourcesJson(r.Entry.EffectiveResources)),
    ];

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _values;
    private long _next;

    public JournalWriter(SqliteConnection connection)
    {
        _connection = connection;
        using (var last = connection.CreateCommand())
        {
            last.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM events";
            _next = (long)last.ExecuteScalar()! + 1;
        }

        _insert = connection.CreateCommand();
        _insert.CommandText =
            $"INSERT INTO events ({string.Join(", ", Columns.Select(c => c.Name))}) VALUES ({string.Join(", ", Columns.Select(c => "$" + c.Name))})";
        _values = [.. Columns.Select(column => _insert.Parameters.Add("$" + column.Name, column.Type))];
    }

    /// <summary>Commits <paramref name="batch"/> and returns each entry's sequence number, in order.</summary>
    public long[] Insert(IReadOnlyList<(AuditEntry Entry, byte[] Record, string? Explanation)> batch)
    {
        var sequences = new long[batch.Count];
        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = transaction;
        var next = _next;
        for (var i = 0; i < batch.Count; i++)
        {
            var row = new Row(sequences[i] = next++, batch[i].Entry, batch[i].Record, batch[i].Explanation);
            for (var c = 0; c < Columns.Length; c++)
            {
                _values[c].Value = Columns[c].Value(row) ?? DBNull.Value;
            }

            _insert.ExecuteNonQuery();
        }

        transaction.Commit();
        // Numbers are taken only once their batch is committed: a failed batch leaves no gap.
        _next = next;
        return sequences;
    }

    public void Dispose() => _insert.Dispose();

    /// <summary>
    /// LookupEvents' resources as <c>[[type, name], …]</c> in the row itself (<c>null</c> for none): a separate table cost
    /// a second statement, table and index per resource on every append, for a filter that scans rows anyway.
    /// </summary>
    private static string? ResourcesJson(IReadOnlyList<LookupResource> resources)
    {
        if (resources.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var resource in resources)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(resource.Type);
                writer.WriteStringValue(resource.Name);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private readonly record struct Row(long Seq, AuditEntry Entry, byte[] Record, string? Explanation);
}
