using Microsoft.Extensions.Logging;

namespace Irsa.Server.Telemetry;

/// <summary>CloudTrail trail events (ids 1400-1499).</summary>
internal static partial class AuditLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "CloudTrail trail open in {Directory}, retention {RetentionDays} days")]
    public static partial void TrailOpened(ILogger logger, string directory, double retentionDays);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "CloudTrail trail pruned: {Records} records, {LogFiles} log files, {Digests} digests")]
    public static partial void Pruned(ILogger logger, int records, int logFiles, int digests);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Debug, Message = "CloudTrail trail pruning found nothing older than the retention window")]
    public static partial void NothingToPrune(ILogger logger);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "CloudTrail trail closed: current log files delivered with their digests")]
    public static partial void Closed(ILogger logger);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Warning, Message = "CloudTrail trail pruning failed; retrying next hour")]
    public static partial void PruneFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Warning, Message = "CloudTrail files could not be delivered to the trail's bucket at stop; they are delivered on the next start")]
    public static partial void DeliveryDeferred(ILogger logger, Exception exception);
}
