using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Core.Aws;

namespace Irsa.Audit.Query;

/// <summary>The outcome of a CloudTrail API call: the response body, or the error to answer with.</summary>
public sealed record CloudTrailResult(JsonObject? Response, AwsError? Error);

public sealed partial class AuditQueries
{
    public const int MaxLookupResults = 50;

    /// <summary>SQL per LookupEvents attribute key; resources are matched in the row's <c>[[type, name], …]</c> column.</summary>
    private static readonly Dictionary<string, string> AttributeConditions = new(StringComparer.Ordinal)
    {
        ["EventId"] = "e.event_id = $value",
        ["EventName"] = "e.event_name = $value",
        ["ReadOnly"] = "e.read_only = (CASE $value WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE -1 END)",
        ["Username"] = "e.username = $value",
        ["ResourceType"] = "EXISTS (SELECT 1 FROM json_each(e.resources) r WHERE json_extract(r.value, '$[0]') = $value)",
        ["ResourceName"] = "EXISTS (SELECT 1 FROM json_each(e.resources) r WHERE json_extract(r.value, '$[1]') = $value)",
        ["EventSource"] = "e.event_source = $value",
        ["AccessKeyId"] = "e.access_key_id = $value",
    };

    /// <summary>
    /// CloudTrail's <c>LookupEvents</c> for <paramref name="accountId"/>: at most one lookup attribute, epoch-second
    /// <c>StartTime</c>/<c>EndTime</c>, <c>MaxResults</c> 1–50 (default 50), newest first, and a <c>NextToken</c> that is
    /// only valid with the attributes, times and category it was issued for (<c>MaxResults</c> may change between pages).
    /// </summary>
    public async Task<CloudTrailResult> LookupEventsAsync(JsonElement request, string accountId, CancellationToken cancellationToken = default)
    {
        var (lookup, error) = LookupRequest.Parse(request);
        if (lookup is null)
        {
            return new CloudTrailResult(null, error);
        }

        (long Time, long Sequence)? after = null;
        if (lookup.Token is not null)
        {
            after = LookupRequest.DecodeToken(lookup.Token, lookup.Binding);
            if (after is null)
            {
                return new CloudTrailResult(null, CloudTrailErrors.InvalidNextToken());
            }
        }

        var events = new JsonArray();
        var response = new JsonObject { ["Events"] = events };
        if (lookup.Category is not null)
        {
            return new CloudTrailResult(response, null); // Irsa records no Insights events.
        }

        var where = new StringBuilder("e.account_id = $account");
        if (lookup.LookupKey is not null)
        {
            where.Append(" AND ").Append(AttributeConditions[lookup.LookupKey]);
        }

        if (lookup.Start is not null)
        {
            where.Append(" AND e.event_time >= $start");
        }

        if (lookup.End is not null)
        {
            where.Append(" AND e.event_time <= $end");
        }

        if (after is not null)
        {
            where.Append(" AND (e.event_time < $after_time OR (e.event_time = $after_time AND e.seq < $after_seq))");
        }

        var rows = await ReadAsync($"SELECT {EventColumns} FROM events e WHERE {where} " +
                                   "ORDER BY e.event_time DESC, e.seq DESC LIMIT $limit", command =>
        {
            command.Parameters.AddWithValue("$account", accountId);
            command.Parameters.AddWithValue("$value", (object?)lookup.LookupValue ?? DBNull.Value);
            command.Parameters.AddWithValue("$start", (object?)lookup.Start ?? DBNull.Value);
            command.Parameters.AddWithValue("$end", (object?)lookup.End ?? DBNull.Value);
            command.Parameters.AddWithValue("$after_time", (object?)after?.Time ?? DBNull.Value);
            command.Parameters.AddWithValue("$after_seq", (object?)after?.Sequence ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", lookup.PageSize + 1);
        }, cancellationToken);

        var page = rows.Take(lookup.PageSize).ToList();
        foreach (var row in page)
        {
            var item = new JsonObject
            {
                ["EventId"] = row.EventId,
                ["EventName"] = row.EventName,
                ["ReadOnly"] = row.ReadOnly ? "true" : "false",
            };
            if (row.AccessKeyId is not null)
            {
                item["AccessKeyId"] = row.AccessKeyId;
            }

            item["EventTime"] = row.EventTime.ToUnixTimeSeconds();
            item["EventSource"] = row.EventSource;
            if (row.Username is not null)
            {
                item["Username"] = row.Username;
            }

            item["Resources"] = new JsonArray([.. row.Resources
                .Select(r => (JsonNode)new JsonObject { ["ResourceType"] = r.Type, ["ResourceName"] = r.Name })]);
            item["CloudTrailEvent"] = row.Record;
            events.Add(item);
        }

        if (rows.Count > lookup.PageSize)
        {
            response["NextToken"] = LookupRequest.EncodeToken(lookup.Binding, page[^1].EventTime.ToUnixTimeSeconds(), page[^1].Sequence);
        }

        return new CloudTrailResult(response, null);
    }

    /// <summary>A validated LookupEvents request; <see cref="Binding"/> ties a NextToken to it.</summary>
    private sealed record LookupRequest(string? LookupKey, string? LookupValue, long? Start, long? End, string? Category, int PageSize,
        string? Token, string Binding)
    {
        public static (LookupRequest? Request, AwsError? Error) Parse(JsonElement request)
        {
            if (request.ValueKind != JsonValueKind.Object)
            {
                return (null, CloudTrailErrors.InvalidLookupAttributes("The request must be a JSON object."));
            }

            string? key = null, value = null;
            if (request.TryGetProperty("LookupAttributes", out var attributes) && attributes.ValueKind != JsonValueKind.Null)
            {
                if (attributes.ValueKind != JsonValueKind.Array || attributes.GetArrayLength() > 1)
                {
                    return (null, CloudTrailErrors.InvalidLookupAttributes("You can specify only one lookup attribute per request."));
                }

                if (attributes.GetArrayLength() == 1)
                {
                    var attribute = attributes[0];
                    key = attribute.ValueKind == JsonValueKind.Object && attribute.TryGetProperty("AttributeKey", out var k) && k.ValueKind == JsonValueKind.String
                        ? k.GetString()
                        : null;
                    value = attribute.ValueKind == JsonValueKind.Object && attribute.TryGetProperty("AttributeValue", out var v) && v.ValueKind == JsonValueKind.String
                        ? v.GetString()
                        : null;
                    if (key is null || !AttributeConditions.ContainsKey(key))
                    {
                        return (null, CloudTrailErrors.InvalidLookupAttributes(
                            $"AttributeKey must be one of {string.Join(", ", AttributeConditions.Keys)}."));
                    }

                    if (value is null || value.Length is < 1 or > 2000)
                    {
                        return (null, CloudTrailErrors.InvalidLookupAttributes("AttributeValue must be 1 to 2000 characters long."));
                    }
                }
            }

            if (!EpochSeconds.TryRead(request, "StartTime", out var start) || !EpochSeconds.TryRead(request, "EndTime", out var end) || (start is not null && end is not null && start > end))
            {
                return (null, CloudTrailErrors.InvalidTimeRange());
            }

            string? category = null;
            if (request.TryGetProperty("EventCategory", out var categoryElement) && categoryElement.ValueKind != JsonValueKind.Null)
            {
                category = categoryElement.ValueKind == JsonValueKind.String ? categoryElement.GetString() : null;
                if (category != "insight")
                {
                    return (null, CloudTrailErrors.InvalidEventCategory());
                }
            }

            var maxResults = MaxLookupResults;
            if (request.TryGetProperty("MaxResults", out var max) && max.ValueKind != JsonValueKind.Null &&
                (!max.TryGetInt32(out maxResults) || maxResults is < 1 or > MaxLookupResults))
            {
                return (null, CloudTrailErrors.InvalidMaxResults());
            }

            string? token = null;
            if (request.TryGetProperty("NextToken", out var tokenElement) && tokenElement.ValueKind != JsonValueKind.Null)
            {
                token = tokenElement.ValueKind == JsonValueKind.String ? tokenElement.GetString() : "";
            }

            var binding = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
                string.Join('\n', key, value, start?.ToString(CultureInfo.InvariantCulture), end?.ToString(CultureInfo.InvariantCulture), category))))[..16];
            return (new LookupRequest(key, value, start, end, category, maxResults, token, binding), null);
        }

        public static string EncodeToken(string binding, long time, long sequence) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{binding}:{time}:{sequence}")));

        public static (long Time, long Sequence)? DecodeToken(string token, string binding)
        {
            try
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
                return parts.Length == 3 && parts[0] == binding &&
                       long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var time) &&
                       long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                    ? (time, sequence)
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}

/// <summary>CloudTrail's timestamps on the wire: epoch seconds, integer or fractional, as botocore sends them.</summary>
/// <summary>CloudTrail's epoch-second timestamps in awsJson requests (integer or fractional).</summary>
public static class EpochSeconds
{
    /// <summary>False when present but not a valid time; absent or null reads as unbounded (<c>null</c>).</summary>
    public static bool TryRead(JsonElement request, string name, out long? seconds)
    {
        seconds = null;
        if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || value < 0 || value > 253402300799)
        {
            return false;
        }

        seconds = (long)Math.Floor(value);
        return true;
    }
}
