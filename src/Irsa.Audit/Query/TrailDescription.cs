using System.Text.Json.Nodes;
using Irsa.Audit.Journal;
using Irsa.Audit.Records;

namespace Irsa.Audit.Query;

/// <summary>
/// The trail every account has from the first start: one multi-region trail with log file validation, delivering
/// that account's records to that account's bucket (<c>AWSLogs/ACCOUNT/</c>), as CloudTrail's element of
/// <c>DescribeTrails</c>' <c>trailList</c> and <c>GetTrail</c>'s <c>Trail</c>.
/// </summary>
public sealed record TrailDescription(string Name, string S3BucketName, string? S3KeyPrefix, string HomeRegion, string TrailArn)
{
    public static TrailDescription For(AuditTrailOptions options, string accountId)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TrailDescription(options.TrailName, options.BucketFor(accountId), string.IsNullOrEmpty(options.KeyPrefix) ? null : options.KeyPrefix,
            options.HomeRegion, options.TrailArnFor(accountId));
    }

    /// <summary>The <c>Trail</c> shape; members Irsa has no value for (SNS, CloudWatch Logs, KMS) are absent, as AWS omits them.</summary>
    public JsonObject ToJson()
    {
        var trail = new JsonObject { [nameof(Name)] = Name, [nameof(S3BucketName)] = S3BucketName };
        if (S3KeyPrefix is not null)
        {
            trail[nameof(S3KeyPrefix)] = S3KeyPrefix;
        }

        // Records of every service Irsa serves (IAM, STS, EKS…) go to this trail, whatever the region of the call.
        trail["IncludeGlobalServiceEvents"] = true;
        trail["IsMultiRegionTrail"] = true;
        trail[nameof(HomeRegion)] = HomeRegion;
        trail["TrailARN"] = TrailArn;
        trail["LogFileValidationEnabled"] = true;
        trail["HasCustomEventSelectors"] = false;
        trail["HasInsightSelectors"] = false;
        trail["IsOrganizationTrail"] = false;
        return trail;
    }
}

/// <summary>What <c>GetTrailStatus</c> reports for an account's trail.</summary>
/// <param name="StartLoggingTime">When the trail first opened: it has logged ever since (Irsa has no <c>StopLogging</c>).</param>
/// <param name="LatestDeliveryTime">When a log file last reached the bucket; <c>null</c> before the first.</param>
/// <param name="LatestDigestDeliveryTime">When a digest last reached the bucket; <c>null</c> before the first.</param>
/// <param name="LatestAttempt">The last delivery attempt of this process, with its errors; <c>null</c> when none was made.</param>
public sealed record TrailStatus(DateTimeOffset StartLoggingTime, DateTimeOffset? LatestDeliveryTime, DateTimeOffset? LatestDigestDeliveryTime,
    Buckets.DeliveryAttempt? LatestAttempt)
{
    /// <summary>The <c>GetTrailStatus</c> response: times as epoch seconds, the <c>Time*</c>/<c>*AttemptTime</c> strings ISO 8601 as AWS writes them.</summary>
    public JsonObject ToJson()
    {
        var status = new JsonObject { ["IsLogging"] = true };
        if (LatestAttempt?.LogError is { } logError)
        {
            status["LatestDeliveryError"] = logError;
        }

        if (LatestDeliveryTime is { } delivered)
        {
            status[nameof(LatestDeliveryTime)] = delivered.ToUnixTimeSeconds();
        }

        status[nameof(StartLoggingTime)] = StartLoggingTime.ToUnixTimeSeconds();
        if (LatestDigestDeliveryTime is { } digestDelivered)
        {
            status[nameof(LatestDigestDeliveryTime)] = digestDelivered.ToUnixTimeSeconds();
        }

        if (LatestAttempt?.DigestError is { } digestError)
        {
            status["LatestDigestDeliveryError"] = digestError;
        }

        if (LatestAttempt is { } attempt)
        {
            status["LatestDeliveryAttemptTime"] = CloudTrailTime.Iso(attempt.Time);
            if (attempt.Succeeded)
            {
                status["LatestDeliveryAttemptSucceeded"] = CloudTrailTime.Iso(attempt.Time);
            }
        }

        status["TimeLoggingStarted"] = CloudTrailTime.Iso(StartLoggingTime);
        return status;
    }
}
