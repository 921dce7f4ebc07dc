using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Irsa.Audit.Journal;
using Irsa.Core.Aws;

namespace Irsa.Audit.Query;

/// <summary>
/// CloudTrail's <c>DescribeTrails</c>, <c>GetTrail</c> and <c>GetTrailStatus</c> over the one trail each account has:
/// a trail is named by its name or its ARN, and only the caller's account's trail is ever found.
/// </summary>
internal static partial class TrailRequests
{
    private const string TrailNotFound = "TrailNotFoundException";

    public static CloudTrailResult DescribeTrails(JsonElement request, AuditTrailOptions options, string accountId, string callRegion)
    {
        var trail = TrailDescription.For(options, accountId);
        // A multi-region trail seen from a region other than its home is a shadow trail (AWS's default includes them).
        var includeShadows = !(request.TryGetProperty("includeShadowTrails", out var shadows) && shadows.ValueKind == JsonValueKind.False);
        var visible = includeShadows || callRegion == trail.HomeRegion;
        var names = request.TryGetProperty("trailNameList", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.String ? n.GetString() ?? "" : "")]
            : new List<string>();
        var found = names.Count == 0;
        foreach (var name in names)
        {
            // Names of trails that do not exist are left out, not an error; malformed ones are.
            switch (Resolve(name, trail, accountId, callRegion))
            {
                case AwsError error when error.Code != TrailNotFound:
                    return new CloudTrailResult(null, error);
                case null:
                    found = true;
                    break;
            }
        }

        var trails = new JsonArray();
        if (found && visible)
        {
            trails.Add(trail.ToJson());
        }

        return new CloudTrailResult(new JsonObject { ["trailList"] = trails }, null);
    }

    /// <summary><c>GetTrail</c> and <c>GetTrailStatus</c>: <c>Name</c> (a name or an ARN) must designate the account's trail.</summary>
    public static CloudTrailResult Named(JsonElement request, TrailDescription trail, string accountId, string callRegion, Func<JsonObject> answer)
    {
        var name = request.TryGetProperty("Name", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
        return Resolve(name, trail, accountId, callRegion) is { } error ? new CloudTrailResult(null, error) : new CloudTrailResult(answer(), null);
    }

    /// <summary><c>null</c> when <paramref name="nameOrArn"/> designates <paramref name="trail"/>; otherwise why not.</summary>
    private static AwsError? Resolve(string nameOrArn, TrailDescription trail, string accountId, string callRegion)
    {
        if (nameOrArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (!TrailArn().IsMatch(nameOrArn))
            {
                return new AwsError("CloudTrailARNInvalidException",
                    $"Invalid trail ARN: {nameOrArn}. Trail ARNs have the form arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME.", 400);
            }

            return nameOrArn == trail.TrailArn ? null : NotFound(nameOrArn, accountId);
        }

        if (!TrailName().IsMatch(nameOrArn) || AdjacentSeparators().IsMatch(nameOrArn))
        {
            return new AwsError("InvalidTrailNameException",
                "Trail name must start and end with a letter or number, be 3 to 128 characters of letters, numbers, periods (.), " +
                "underscores (_) and dashes (-), and have no adjacent periods, underscores or dashes.", 400);
        }

        return nameOrArn == trail.Name ? null : NotFound($"arn:aws:cloudtrail:{callRegion}:{accountId}:trail/{nameOrArn}", accountId);
    }

    private static AwsError NotFound(string arn, string accountId) => new(TrailNotFound, $"Unknown trail: {arn} for the user: {accountId}", 400);

    [GeneratedRegex(@"^arn:[^:]+:cloudtrail:[^:]+:\d{12}:trail/.+$")]
    private static partial Regex TrailArn();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$")]
    private static partial Regex TrailName();

    [GeneratedRegex("[._-]{2}")]
    private static partial Regex AdjacentSeparators();
}
