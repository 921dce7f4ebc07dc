using System.Diagnostics;
using System.Diagnostics.Metrics;
using Irsa.Server.Aws;
using Irsa.Sts;
using Microsoft.Extensions.Logging;

namespace Irsa.Server.Telemetry;

/// <summary>
/// Irsa's OpenTelemetry sources: the <c>Irsa</c> activity source (a span per AWS call and per Kubernetes API request)
/// and the <c>Irsa</c> meter. Both are BCL types that cost nothing until a listener (the OpenTelemetry SDK) subscribes,
/// so engines and tests that host no exporter pay nothing. Tags carry names, ARNs and error codes, never a credential.
/// </summary>
public static class IrsaTelemetry
{
    /// <summary>The name of the activity source and of the meter, as exporters subscribe to them.</summary>
    public const string SourceName = "Irsa";

    public static readonly ActivitySource ActivitySource = new(SourceName);

    private static readonly Meter Meter = new(SourceName);

    private static readonly Counter<long> AwsCalls = Meter.CreateCounter<long>("irsa.aws.calls",
        description: "AWS calls answered, by service, operation and error code (none on success)");

    private static readonly Histogram<double> AwsCallDuration = Meter.CreateHistogram<double>("irsa.aws.call.duration", unit: "s",
        description: "Time from request to answer of an AWS call, by service and operation");

    private static readonly Counter<long> WebIdentityAssumptions = Meter.CreateCounter<long>("irsa.sts.assume_role_with_web_identity",
        description: "AssumeRoleWithWebIdentity outcomes: success, or the error code with the operator's check id");

    private static readonly Counter<long> AuditAppends = Meter.CreateCounter<long>("irsa.audit.appends",
        description: "CloudTrail records appended to the trail");

    private static readonly Counter<long> KubernetesRequests = Meter.CreateCounter<long>("irsa.kubernetes.requests",
        description: "Kubernetes API requests answered, by verb and status code");

    /// <summary>Opens the span of one AWS call; null (and free) when nobody listens.</summary>
    public static Activity? StartAwsCall() => ActivitySource.StartActivity("aws.call", ActivityKind.Server);

    /// <summary>Closes an AWS call: its span's tags, its metrics and its Debug log line.</summary>
    internal static void AwsCallAnswered(Activity? activity, AwsCallRecord record, TimeSpan elapsed, ILogger logger)
    {
        var operation = record.Operation;
        var errorCode = record.ErrorCode ?? string.Empty;
        var tags = new TagList
        {
            { "aws.service", operation.Service },
            { "aws.operation", operation.Name },
            { "aws.error_code", errorCode },
        };
        AwsCalls.Add(1, tags);
        AwsCallDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("aws.service", operation.Service),
            new KeyValuePair<string, object?>("aws.operation", operation.Name));
        if (operation.Name == StsProtocol.AssumeRoleWithWebIdentity)
        {
            WebIdentityAssumptions.Add(1, new KeyValuePair<string, object?>("outcome", record.ErrorCode ?? "success"),
                new KeyValuePair<string, object?>("check", record.Explanation?.Check ?? string.Empty));
        }

        if (activity is not null)
        {
            activity.DisplayName = $"{operation.Service}.{operation.Name}";
            activity.SetTag("rpc.system", "aws-api");
            activity.SetTag("rpc.service", operation.Service);
            activity.SetTag("rpc.method", operation.Name);
            activity.SetTag("aws.request_id", record.RequestId);
            activity.SetTag("aws.account_id", record.RecipientAccountId);
            activity.SetTag("http.response.status_code", record.StatusCode);
            if (record.ErrorCode is { } code)
            {
                activity.SetTag("aws.error_code", code);
                activity.SetTag("irsa.check", record.Explanation?.Check);
                activity.SetStatus(ActivityStatusCode.Error, code);
            }
        }

        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var principal = record.Caller?.PrincipalArn
            ?? (record.WebIdentityCaller is { } web ? $"{web.Issuer} {web.Subject}" : "anonymous");
        if (record.Explanation is { } explanation)
        {
            AwsLog.Denied(logger, record.RequestId, operation.Service, operation.Name, principal, explanation.Check);
        }
        else
        {
            AwsLog.Completed(logger, record.RequestId, operation.Service, operation.Name, principal, record.StatusCode, errorCode);
        }
    }

    /// <summary>One CloudTrail record appended.</summary>
    public static void AuditAppended() => AuditAppends.Add(1);

    /// <summary>Opens the span of one request to a cluster's Kubernetes API; null (and free) when nobody listens.</summary>
    public static Activity? StartKubernetesRequest() => ActivitySource.StartActivity("kubernetes.request", ActivityKind.Server);

    /// <summary>Closes a Kubernetes API request: its span's tags and its counter (the path names objects, never a token).</summary>
    public static void KubernetesRequestAnswered(Activity? activity, string clusterId, string method, string path, int statusCode)
    {
        KubernetesRequests.Add(1, new KeyValuePair<string, object?>("http.request.method", method),
            new KeyValuePair<string, object?>("http.response.status_code", statusCode));
        if (activity is not null)
        {
            activity.DisplayName = $"kubernetes {method}";
            activity.SetTag("k8s.cluster.uid", clusterId);
            activity.SetTag("http.request.method", method);
            activity.SetTag("url.path", path);
            activity.SetTag("http.response.status_code", statusCode);
            if (statusCode >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
    }
}
