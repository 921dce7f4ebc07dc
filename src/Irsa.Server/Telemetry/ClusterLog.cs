using Microsoft.Extensions.Logging;

namespace Irsa.Server.Telemetry;

/// <summary>Cluster identity events (ids 1200-1299): signing keys are named by their key id, never by their material.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Cluster {ClusterName} ({ClusterId}) created in account {AccountId}, signing key {KeyId}")]
    public static partial void Created(ILogger logger, string clusterName, string clusterId, string accountId, string keyId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Cluster {ClusterName} ({ClusterId}) signing keys changed: now {KeyIds}")]
    public static partial void KeysChanged(ILogger logger, string clusterName, string clusterId, string keyIds);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Cluster {ClusterName} ({ClusterId}) deleted")]
    public static partial void Deleted(ILogger logger, string clusterName, string clusterId);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Cluster {ClusterId}: missing or outdated bootstrap RBAC objects restored")]
    public static partial void BootstrapPolicyReconciled(ILogger logger, string clusterId);
}
