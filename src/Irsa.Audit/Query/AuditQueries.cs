using System.Globalization;
using System.Text;
using System.Text.Json;
using Irsa.Audit.Journal;
using Irsa.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Query;

/// <summary>
/// One journaled call, as Irsa's own queries return it: <c>Sequence</c> is the journal's append order (which
/// <see cref="AuditQueries.ReadAfterAsync"/> follows), <c>Record</c> the CloudTrail JSON exactly as written to log files,
/// <c>Explanation</c> why the call was denied or failed, when the pipeline said, <c>Resources</c> those LookupEvents reports.
/// </summary>
public sealed record AuditEvent(
    long Sequence,
    string EventId,
    string RequestId,
    DateTimeOffset EventTime,
    string EventName,
    string EventSource,
    bool ReadOnly,
    string? Username,
    string? AccessKeyId,
    string AccountId,
    string? ErrorCode,
    string? Cluster,
    string? Namespace,
    string? ServiceAccount,
    string? PodName,
    string? PodUid,
    string? RoleArn,
    string Record,
    Explanation? Explanation,
    IReadOnlyList<LookupResource> Resources);

/// <summary>Irsa's filters for people (<c>irsa audit</c>); every set field must match.</summary>
public sealed record AuditFilter
{
    /// <summary>Only calls recorded for this account (<c>recipientAccountId</c>): what one caller may see.</summary>
    public string? AccountId { get; init; }

    public string? Cluster { get; init; }

    public string? Namespace { get; init; }

    public string? ServiceAccount { get; init; }

    /// <summary>Matches the pod's name or its uid.</summary>
    public string? Pod { get; init; }

    public string? RoleArn { get; init; }

    public string? AccessKeyId { get; init; }

    public string? EventName { get; init; }

    /// <summary>Only failed calls.</summary>
    public bool ErrorsOnly { get; init; }

    /// <summary>Only calls that failed with this code.</summary>
    public string? ErrorCode { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>At most this many events per page (newest first).</summary>
    public int Limit { get; init; } = 100;

    /// <summary>The <see cref="AuditPage.NextCursor"/> of the previous page.</summary>
    public string? Cursor { get; init; }

    /// <summary>Following instead of paging back (<c>tail --follow</c>): only events appended after this sequence
    /// number, oldest first; the next call passes the last returned <see cref="AuditEvent.Sequence"/>.</summary>
    public long? AfterSequence { get; init; }
}

/// <summary>A page of events, newest first, and the cursor of the next page (<c>null</c> at the end).</summary>
public sealed record AuditPage(IReadOnlyList<AuditEvent> Events, string? NextCursor);

/// <summary>Reads the journal: LookupEvents, Irsa's filters, <c>tail --follow</c> and <c>explain</c>.</summary>
public sealed partial class AuditQueries
{
    private const string EventColumns = """
        seq, event_id, request_id, event_time, event_name, event_source, read_only, username, access_key_id, account_id, error_code,
        cluster, namespace, service_account, pod_name, pod_uid, role_arn, record, explanation, resources
        """;

    private readonly string _journalPath;
    private readonly Func<CancellationToken, Task> _catchUp;

    /// <param name="journalPath">The journal's SQLite file.</param>
    /// <param name="catchUp">Indexes every entry appended so far: each query sees every call answered before it began.</param>
    internal AuditQueries(string journalPath, Func<CancellationToken, Task> catchUp)
    {
        _journalPath = journalPath;
        _catchUp = catchUp;
    }

    /// <summary>Events appended after <paramref name="sequence"/>, oldest first (for <c>irsa audit tail --follow</c>).</summary>
    public Task<IReadOnlyList<AuditEvent>> ReadAfterAsync(long sequence, int limit = 100, CancellationToken cancellationToken = default) =>
        ReadAsync($"SELECT {EventColumns} FROM events WHERE seq > $after ORDER BY seq LIMIT $limit",
            command =>
            {
                command.Parameters.AddWithValue("$after", sequence);
                command.Parameters.AddWithValue("$limit", limit);
            }, cancellationToken);

    /// <summary>The event of a request (for <c>irsa audit explain</c>), or <c>null</c>.</summary>
    public async Task<AuditEvent?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default)
    {
        var events = await ReadAsync($"SELECT {EventColumns} FROM events WHERE request_id = $request ORDER BY seq LIMIT 1",
            command => command.Parameters.AddWithValue("$request", requestId), cancellationToken);
        return events.Count == 0 ? null : events[0];
    }

    /// <summary>Events matching <paramref name="filter"/>, newest first, a page at a time.</summary>
    public async Task<AuditPage> QueryAsync(AuditFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var where = new StringBuilder("1 = 1");
        var values = new List<(string Name, object Value)>();
        void Add(string condition, string name, object? value)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(condition);
                values.Add((name, value));
            }
        }

        Add("account_id = $account", "$account", filter.AccountId);
        Add("seq > $after", "$after", filter.AfterSequence);
        Add("cluster = $cluster", "$cluster", filter.Cluster);
        Add("namespace = $namespace", "$namespace", filter.Namespace);
        Add("service_account = $sa", "$sa", filter.ServiceAccount);
        Add("(pod_name = $pod OR pod_uid = $pod)", "$pod", filter.Pod);
        Add("role_arn = $role", "$role", filter.RoleArn);
        Add("access_key_id = $key", "$key", filter.AccessKeyId);
        Add("event_name = $name", "$name", filter.EventName);
        Add("error_code = $error", "$error", filter.ErrorCode);
        Add("event_time >= $from", "$from", filter.From?.ToUnixTimeSeconds());
        Add("event_time <= $to", "$to", filter.To?.ToUnixTimeSeconds());
        if (filter.ErrorsOnly)
        {
            where.Append(" AND error_code IS NOT NULL");
        }

        if (filter.Cursor is not null)
        {
            var (time, seq) = PageCursor.Decode(filter.Cursor);
            where.Append(" AND (event_time < $ct OR (event_time = $ct AND seq < $cs))");
            values.Add(("$ct", time));
            values.Add(("$cs", seq));
        }

        var limit = Math.Clamp(filter.Limit, 1, 1000);
        var order = filter.AfterSequence is null ? "event_time DESC, seq DESC" : "seq";
        var events = await ReadAsync($"SELECT {EventColumns} FROM events WHERE {where} ORDER BY {order} LIMIT $limit",
            command =>
            {
                foreach (var (name, value) in values)
                {
                    command.Parameters.AddWithValue(name, value);
                }

                command.Parameters.AddWithValue("$limit", limit + 1);
            }, cancellationToken);
        if (filter.AfterSequence is not null)
        {
            return new AuditPage([.. events.Take(limit)], null);
        }

        return events.Count > limit
            ? new AuditPage([.. events.Take(limit)], PageCursor.Encode(events[limit - 1]))
            : new AuditPage(events, null);
    }

    private async Task<IReadOnlyList<AuditEvent>> ReadAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _catchUp(cancellationToken);
        await using var connection = JournalSchema.OpenReader(_journalPath);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<AuditEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(ReadEvent(reader));
        }

        return events;
    }

    private static AuditEvent ReadEvent(SqliteDataReader reader)
    {
        string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
        return new AuditEvent(
            reader.GetInt64(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(3)),
            reader.GetString(4), reader.GetString(5), reader.GetInt64(6) != 0, Text(7), Text(8), reader.GetString(9), Text(10),
            Text(11), Text(12), Text(13), Text(14), Text(15), Text(16), Encoding.UTF8.GetString((byte[])reader[17]),
            Text(18) is { } explanation ? JsonSerializer.Deserialize<Explanation>(explanation, AuditJson.Options) : null,
            Text(19) is { } resources ? ReadResources(resources) : []);
    }

    /// <summary>The row's <c>[[type, name], …]</c> column (<see cref="Journal.JournalIndex"/> writes it).</summary>
    private static List<LookupResource> ReadResources(string json)
    {
        using var pairs = JsonDocument.Parse(json);
        return [.. pairs.RootElement.EnumerateArray().Select(pair => new LookupResource(pair[0].GetString()!, pair[1].GetString()!))];
    }

    /// <summary>An opaque position in newest-first order: the last returned event's time and sequence.</summary>
    private static class PageCursor
    {
        public static string Encode(AuditEvent last) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.EventTime.ToUnixTimeSeconds()}:{last.Sequence}")));

        public static (long Time, long Sequence) Decode(string cursor)
        {
            try
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split(':');
                return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
            {
                throw new ArgumentException("The cursor is not one this trail returned.", nameof(cursor), e);
            }
        }
    }
}
