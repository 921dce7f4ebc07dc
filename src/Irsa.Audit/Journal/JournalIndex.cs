using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Irsa.Audit.Records;
using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Journal;

/// <summary>
/// The journal's SQLite index: one <c>events</c> row per entry, inserted from <see cref="JournalLog"/> frames in large
/// transactions. A frame's payload is the row itself, encoded by <see cref="Encode"/> from one table of columns, so the
/// log and the index cannot disagree about what a row holds.
/// </summary>
/// <remarks>
/// The statement is prepared once for the connection's life. Indexing is idempotent: a frame whose sequence number is
/// not above <see cref="IndexedThrough"/> (kept in the same transaction as the rows) is skipped, so a crash between an
/// index commit and the log's truncation replays nothing twice.
/// </remarks>
internal sealed class JournalIndex : IDisposable
{
    private const string IndexedThroughState = "indexed_through";

    /// <summary>The <c>events</c> row: each column, its type and where its value comes from (<c>seq</c> is the frame's).</summary>
    private static readonly (string Name, SqliteType Type, Func<Row, object?> Value)[] Columns =
    [
        ("seq", SqliteType.Integer, _ => null),
        ("event_id", SqliteType.Text, r => r.Entry.EventId),
        ("request_id", SqliteType.Text, r => r.Entry.RequestId),
        ("event_time", SqliteType.Integer, r => r.Entry.EventTime.ToUnixTimeSeconds()),
        ("event_name", SqliteType.Text, r => r.Entry.EventName),
        ("event_source", SqliteType.Text, r => r.Entry.EventSource),
        ("read_only", SqliteType.Integer, r => r.Entry.ReadOnly ? 1L : 0L),
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
        ("record", SqliteType.Blob, r => r.Entry.Record),
        ("explanation", SqliteType.Text, r => r.Explanation),
        ("resources", SqliteType.Text, r => ResourcesJson(r.Entry.EffectiveResources)),
    ];

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _values;
    private readonly SqliteCommand _markIndexed;

    public JournalIndex(SqliteConnection connection)
    {
        _connection = connection;
        using (var last = connection.CreateCommand())
        {
            // The rows' own maximum covers journals from before the mark was kept.
            last.CommandText = $"""
                SELECT MAX(COALESCE((SELECT MAX(seq) FROM events), 0),
                           COALESCE((SELECT CAST(value AS INTEGER) FROM trail_state WHERE name = '{IndexedThroughState}'), 0))
                """;
            IndexedThrough = (long)last.ExecuteScalar()!;
        }

        _insert = connection.CreateCommand();
        _insert.CommandText =
            $"INSERT INTO events ({string.Join(", ", Columns.Select(c => c.Name))}) VALUES ({string.Join(", ", Columns.Select(c => "$" + c.Name))})";
        _values = [.. Columns.Select(column => _insert.Parameters.Add("$" + column.Name, column.Type))];
        _markIndexed = connection.CreateCommand();
        _markIndexed.CommandText =
            $"INSERT INTO trail_state (name, value) VALUES ('{IndexedThroughState}', $seq) ON CONFLICT (name) DO UPDATE SET value = $seq";
        _markIndexed.Parameters.Add("$seq", SqliteType.Text);
    }

    /// <summary>
    /// The highest sequence number in the index. Sequence numbers only grow, even when retention has pruned every row:
    /// the log numbers its next entry after it.
    /// </summary>
    public long IndexedThrough { get; private set; }

    /// <summary>
    /// Writes an entry's row without its sequence number into <paramref name="frame"/>, as a <see cref="JournalLog"/>
    /// frame carries it; the record's CloudTrail JSON is written in place.
    /// </summary>
    public static void Encode(AuditEntry entry, string? explanation, FrameBuffer frame)
    {
        var row = new Row(entry, explanation);
        for (var c = 1; c < Columns.Length; c++)
        {
            switch (Columns[c].Value(row))
            {
                case null:
                    frame.GetSpan(1)[0] = (byte)ValueTag.Null;
                    frame.Advance(1);
                    break;
                case long number:
                    var integer = frame.GetSpan(9);
                    integer[0] = (byte)ValueTag.Integer;
                    BinaryPrimitives.WriteInt64LittleEndian(integer[1..], number);
                    frame.Advance(9);
                    break;
                case string text:
                    var length = Encoding.UTF8.GetByteCount(text);
                    WriteLength(frame, ValueTag.Text, length);
                    frame.Advance(Encoding.UTF8.GetBytes(text, frame.GetSpan(length)));
                    break;
                case CloudTrailRecord record:
                    // The length goes in front of JSON not yet written: written after it, then patched in.
                    var start = frame.Written;
                    WriteLength(frame, ValueTag.Blob, 0);
                    using (var writer = new Utf8JsonWriter(frame))
                    {
                        CloudTrailRecordWriter.Write(writer, record);
                    }

                    BinaryPrimitives.WriteInt32LittleEndian(frame.Frame.Slice(start + 1, 4), frame.Written - start - 5);
                    break;
            }
        }
    }

    /// <summary>Inserts the frames not yet indexed, and the new mark, in one transaction; returns how many rows it added.</summary>
    public int Insert(IReadOnlyList<JournalFrame> frames)
    {
        var inserted = 0;
        var through = IndexedThrough;
        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = transaction;
        _markIndexed.Transaction = transaction;
        foreach (var frame in frames)
        {
            if (frame.Sequence <= through)
            {
                continue;
            }

            _values[0].Value = frame.Sequence;
            Decode(frame.Payload.Span, frame.Sequence);
            _insert.ExecuteNonQuery();
            through = frame.Sequence;
            inserted++;
        }

        _markIndexed.Parameters[0].Value = through.ToString(CultureInfo.InvariantCulture);
        _markIndexed.ExecuteNonQuery();
        transaction.Commit();
        IndexedThrough = through;
        return inserted;
    }

    public void Dispose()
    {
        _insert.Dispose();
        _markIndexed.Dispose();
    }

    private void Decode(ReadOnlySpan<byte> payload, long sequence)
    {
        for (var c = 1; c < Columns.Length; c++)
        {
            if (payload.IsEmpty)
            {
                throw new InvalidDataException($"The journal log's entry {sequence} has fewer columns than an events row.");
            }

            var tag = (ValueTag)payload[0];
            payload = payload[1..];
            switch (tag)
            {
                case ValueTag.Null:
                    _values[c].Value = DBNull.Value;
                    break;
                case ValueTag.Integer:
                    _values[c].Value = BinaryPrimitives.ReadInt64LittleEndian(payload);
                    payload = payload[8..];
                    break;
                case ValueTag.Text or ValueTag.Blob:
                    var length = BinaryPrimitives.ReadInt32LittleEndian(payload);
                    var bytes = payload.Slice(4, length);
                    _values[c].Value = tag == ValueTag.Text ? Encoding.UTF8.GetString(bytes) : bytes.ToArray();
                    payload = payload[(4 + length)..];
                    break;
                default:
                    throw new InvalidDataException($"The journal log's entry {sequence} has a value of unknown kind {(byte)tag}.");
            }
        }
    }

    private static void WriteLength(FrameBuffer buffer, ValueTag tag, int length)
    {
        var header = buffer.GetSpan(5);
        header[0] = (byte)tag;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], length);
        buffer.Advance(5);
    }

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

    private readonly record struct Row(AuditEntry Entry, string? Explanation);

    private enum ValueTag : byte
    {
        Null,
        Integer,
        Text,
        Blob,
    }
}
