using Microsoft.Extensions.Logging;

namespace Irsa.Server.Telemetry;

/// <summary>STS session-key ring events (ids 1300-1399): keys are counted and dated, never shown.</summary>
internal static partial class StsLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Session key ring created")]
    public static partial void SessionKeyRingCreated(ILogger logger);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Session key ring rotated: {KeyCount} keys, newest created {NewestCreatedAt:O}")]
    public static partial void SessionKeyRingRotated(ILogger logger, int keyCount, DateTimeOffset newestCreatedAt);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Session key ring pruned: {Removed} expired keys removed")]
    public static partial void SessionKeyRingPruned(ILogger logger, int removed);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Debug, Message = "Session key ring reloaded from the store")]
    public static partial void SessionKeyRingReloaded(ILogger logger);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Debug, Message = "Session key ring rotation lost a race with another node; retrying next tick")]
    public static partial void SessionKeyRotationConflict(ILogger logger);
}
