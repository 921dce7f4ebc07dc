using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Audit.Journal;
using Irsa.Audit.Query;
using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Policy;
using Irsa.Server.Aws;

namespace Irsa.Server.Audit;

/// <summary>
/// CloudTrail's API over the trail (awsJson 1.1, SigV4 scope <c>cloudtrail</c>): <c>LookupEvents</c>,
/// <c>ListPublicKeys</c>, <c>DescribeTrails</c>, <c>GetTrail</c> and <c>GetTrailStatus</c> as AWS answers them, plus Irsa's extensions for people, <c>LookupAuditRecords</c> (Irsa's filters
/// and <c>tail</c>) and <c>ExplainRequest</c>, authorized by <c>cloudtrail:LookupEvents</c>. Every call sees only the
/// caller's account.
/// </summary>
public static class CloudTrailApi
{
    public const string TargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    public const string IrsaTargetPrefix = "Irsa_20261201.";
    public const string LookupAuditRecords = "LookupAuditRecords";
    public const string ExplainRequest = "ExplainRequest";

    private const string LookupEventsAction = "cloudtrail:LookupEvents";

    /// <summary>Irsa's page size bound for <c>LookupAuditRecords</c> (LookupEvents' is 50).</summary>
    private const int MaxAuditRecords = 1000;

    private static readonly JsonSerializerOptions ExplanationJson = new(JsonSerializerDefaults.Web);

    public static IEnumerable<AwsOperation> Rows(AuditTrail trail, string eventSource)
    {
        ArgumentNullException.ThrowIfNull(trail);
        return
        [
            Row(TargetPrefix, "LookupEvents", LookupEventsAction, eventSource,
                async (call, body) => Reply(await trail.Queries.LookupEventsAsync(body, call.RequiredCaller.AccountId, call.CancellationToken))),
            Row(TargetPrefix, "ListPublicKeys", "cloudtrail:ListPublicKeys", eventSource, (_, body) => Task.FromResult(Reply(trail.ListPublicKeys(body)))),
            Row(TargetPrefix, "DescribeTrails", "cloudtrail:DescribeTrails", eventSource,
                (call, body) => Task.FromResult(Reply(trail.DescribeTrails(body, call.RequiredCaller.AccountId, CallRegion(call, trail))))),
            Row(TargetPrefix, "GetTrail", "cloudtrail:GetTrail", eventSource,
                (call, body) => Task.FromResult(Reply(trail.GetTrail(body, call.RequiredCaller.AccountId, CallRegion(call, trail))))) with
            {
                ResolveTarget = TrailTarget(trail),
            },
            Row(TargetPrefix, "GetTrailStatus", "cloudtrail:GetTrailStatus", eventSource,
                (call, body) => Task.FromResult(Reply(trail.GetTrailStatus(body, call.RequiredCaller.AccountId, CallRegion(call, trail))))) with
            {
                ResolveTarget = TrailTarget(trail),
            },
            Row(IrsaTargetPrefix, LookupAuditRecords, LookupEventsAction, eventSource, (call, body) => LookupAuditRecordsAsync(trail, call, body)),
            Row(IrsaTargetPrefix, ExplainRequest, LookupEventsAction, eventSource, (call, body) => ExplainAsync(trail, call, body)),
        ];
    }

    private static AwsOperation Row(string prefix, string name, string action, string eventSource, Func<AwsCall, JsonElement, Task<AwsResult>> handler) => new()
    {
        Service = "cloudtrail",
        Name = name,
        JsonTarget = prefix + name,
        IamAction = action,
        Dialect = AwsErrorDialect.Json11,
        ReadOnly = true,
        EventSource = eventSource,
        Handler = call => ParseBody(call.Request.Body) is { } body
            ? handler(call, body)
            : Task.FromResult(AwsResult.Fail(new AwsError("SerializationException", "The request body is not a JSON object.", 400))),
    };

    /// <summary>
    /// GetTrail and GetTrailStatus are authorized against the trail's ARN (the caller's account's trail, whether named by
    /// name or ARN); a name that is not the trail's is authorized against <c>*</c> and then answered TrailNotFoundException.
    /// </summary>
    private static Func<AwsCall, Task<AwsTarget>> TrailTarget(AuditTrail trail) => call =>
    {
        var trailDescription = trail.DescribeTrail(call.RequiredCaller.AccountId);
        var name = ParseBody(call.Request.Body) is { } body && body.TryGetProperty("Name", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
        return Task.FromResult(name == trailDescription.Name || name == trailDescription.TrailArn
            ? new AwsTarget(trailDescription.TrailArn, new Dictionary<string, ContextValue>())
            : AwsTarget.Any);
    };

    /// <summary>The region the call was signed for (its SigV4 credential scope), which decides whether the trail is a shadow trail there.</summary>
    private static string CallRegion(AwsCall call, AuditTrail trail)
    {
        var authorization = call.Request.Header("Authorization") ?? "";
        var credential = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (credential >= 0)
        {
            // Credential=AKID/DATE/REGION/SERVICE/aws4_request
            var scope = authorization[(credential + "Credential=".Length)..].Split(',')[0].Split('/');
            if (scope.Length == 5)
            {
                return scope[2];
            }
        }

        return trail.Options.HomeRegion;
    }

    /// <summary>awsJson bodies are JSON objects; an empty body means no members.</summary>
    private static JsonElement? ParseBody(byte[] body)
    {
        if (body.Length == 0)
        {
            body = "{}"u8.ToArray();
        }

        try
        {
            var root = JsonSerializer.Deserialize<JsonElement>(body);
            return root.ValueKind == JsonValueKind.Object ? root : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<AwsResult> LookupAuditRecordsAsync(AuditTrail trail, AwsCall call, JsonElement body)
    {
        if (!EpochSeconds.TryRead(body, "StartTime", out var start) || !EpochSeconds.TryRead(body, "EndTime", out var end)
            || (start is not null && end is not null && start > end))
        {
            return AwsResult.Fail(CloudTrailErrors.InvalidTimeRange());
        }

        var limit = Number(body, "MaxResults") ?? 100;
        if (limit is < 1 or > MaxAuditRecords)
        {
            return AwsResult.Fail(InvalidParameter($"MaxResults must be between 1 and {MaxAuditRecords}."));
        }

        var after = Number(body, "AfterSequence");
        var cursor = Text(body, "NextToken");
        if (after is not null && cursor is not null)
        {
            return AwsResult.Fail(InvalidParameter("AfterSequence (follow) and NextToken (page back) cannot be combined."));
        }

        var filter = new AuditFilter
        {
            AccountId = call.RequiredCaller.AccountId,
            Cluster = Text(body, "Cluster"),
            Namespace = Text(body, "Namespace"),
            ServiceAccount = Text(body, "ServiceAccount"),
            Pod = Text(body, "Pod"),
            RoleArn = Text(body, "RoleArn"),
            AccessKeyId = Text(body, "AccessKeyId"),
            EventName = Text(body, "EventName"),
            ErrorsOnly = body.TryGetProperty("ErrorsOnly", out var errors) && errors.ValueKind == JsonValueKind.True,
            ErrorCode = Text(body, "ErrorCode"),
            From = start is null ? null : DateTimeOffset.FromUnixTimeSeconds(start.Value),
            To = end is null ? null : DateTimeOffset.FromUnixTimeSeconds(end.Value),
            Limit = (int)limit,
            Cursor = cursor,
            AfterSequence = after,
        };

        AuditPage page;
        try
        {
            page = await trail.Queries.QueryAsync(filter, call.CancellationToken);
        }
        catch (ArgumentException)
        {
            return AwsResult.Fail(CloudTrailErrors.InvalidNextToken());
        }

        var response = new JsonObject { ["Records"] = new JsonArray([.. page.Events.Select(Summary)]) };
        if (page.NextCursor is not null)
        {
            response["NextToken"] = page.NextCursor;
        }

        return Reply(new CloudTrailResult(response, null));
    }

    private static async Task<AwsResult> ExplainAsync(AuditTrail trail, AwsCall call, JsonElement body)
    {
        if (Text(body, "RequestId") is not { } requestId)
        {
            return AwsResult.Fail(InvalidParameter("RequestId is required."));
        }

        // Another account's call reads as unknown: the request id alone must not reveal that it exists.
        var found = await trail.Queries.FindByRequestIdAsync(requestId, call.CancellationToken);
        if (found is null || found.AccountId != call.RequiredCaller.AccountId)
        {
            return AwsResult.Fail(new AwsError("ResourceNotFoundException", $"No call with request id {requestId} is recorded in this account.", 400));
        }

        var response = new JsonObject { ["Record"] = Summary(found) };
        if (found.Explanation is { } explanation)
        {
            response["Explanation"] = JsonSerializer.SerializeToNode(explanation, ExplanationJson);
            response["ExplanationText"] = ExplanationText.Render(explanation);
        }

        return Reply(new CloudTrailResult(response, null));
    }

    /// <summary>An event as Irsa's extensions return it: the index fields (PascalCase, epoch-second time) and the record.</summary>
    private static JsonObject Summary(AuditEvent e) => new()
    {
        ["Sequence"] = e.Sequence,
        ["EventId"] = e.EventId,
        ["RequestId"] = e.RequestId,
        ["EventTime"] = e.EventTime.ToUnixTimeSeconds(),
        ["EventName"] = e.EventName,
        ["EventSource"] = e.EventSource,
        ["ReadOnly"] = e.ReadOnly,
        ["Username"] = e.Username,
        ["AccessKeyId"] = e.AccessKeyId,
        ["ErrorCode"] = e.ErrorCode,
        ["Cluster"] = e.Cluster,
        ["Namespace"] = e.Namespace,
        ["ServiceAccount"] = e.ServiceAccount,
        ["PodName"] = e.PodName,
        ["PodUid"] = e.PodUid,
        ["RoleArn"] = e.RoleArn,
        ["CloudTrailEvent"] = e.Record,
    };

    private static AwsResult Reply(CloudTrailResult result) => result.Error is { } error
        ? AwsResult.Fail(error)
        : AwsResult.Ok(new AwsReply(200, AwsErrorDialect.Json11ContentType, JsonSerializer.SerializeToUtf8Bytes(result.Response)));

    private static AwsError InvalidParameter(string message) => new("InvalidParameterException", message, 400);

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static long? Number(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;
}
