using Microsoft.Extensions.Logging;

namespace Irsa.Server.Telemetry;

/// <summary>The server's lifecycle events (ids 1000-1099): what an operator reads to know what started, where, and when it stopped.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Irsa {Version} starting: data folder {DataFolder}, {StoreKind} store")]
    public static partial void Starting(ILogger logger, string version, string dataFolder, string storeKind);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Listening on {Address}")]
    public static partial void ListenerBound(ILogger logger, string address);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Public URL {PublicUrl}")]
    public static partial void PublicUrl(ILogger logger, string publicUrl);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Clusters' Kubernetes API at {KubernetesUrl}/k8s/{{ID}}")]
    public static partial void KubernetesUrl(ILogger logger, string kubernetesUrl);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Account {AccountId} ready; AWS CLI profile files written to {DataFolder}")]
    public static partial void Bootstrapped(ILogger logger, string accountId, string dataFolder);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Irsa ready in {ElapsedMilliseconds} ms")]
    public static partial void Ready(ILogger logger, long elapsedMilliseconds);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Irsa stopping: no new connections, in-flight requests finish")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Irsa stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "OpenTelemetry OTLP export enabled")]
    public static partial void OtlpEnabled(ILogger logger);
}
