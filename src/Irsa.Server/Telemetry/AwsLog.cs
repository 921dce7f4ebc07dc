using Microsoft.Extensions.Logging;

namespace Irsa.Server.Telemetry;

/// <summary>
/// The AWS pipeline's events (ids 1100-1199). Only names, ARNs, error codes and check ids: never a token, a secret,
/// a session token or a signature.
/// </summary>
internal static partial class AwsLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Error, Message = "AWS call {RequestId} ({Operation}) failed unexpectedly")]
    public static partial void Unexpected(ILogger logger, Exception exception, string? requestId, string? operation);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "AWS call {RequestId} {Service}:{Operation} by {Principal} denied: {Check}")]
    public static partial void Denied(ILogger logger, string requestId, string service, string operation, string principal, string check);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "AWS call {RequestId} {Service}:{Operation} by {Principal} answered {Status} {ErrorCode}")]
    public static partial void Completed(ILogger logger, string requestId, string service, string operation, string principal, int status, string errorCode);
}
