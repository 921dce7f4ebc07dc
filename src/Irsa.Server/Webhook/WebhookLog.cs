using Microsoft.Extensions.Logging;

namespace Irsa.Server.Webhook;

/// <summary>The standalone webhook's log events (ids 7100-7199).</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Serving certificate reloaded from {File}")]
    public static partial void CertificateReloaded(ILogger logger, string file);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Serving certificate {File} changed but cannot be loaded; keeping the previous one")]
    public static partial void CertificateReloadFailed(ILogger logger, string file, Exception exception);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Container-credentials identities file {File} cannot be loaded; keeping the previous identities")]
    public static partial void IdentitiesLoadFailed(ILogger logger, string file, Exception exception);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "ServiceAccount list/watch failed; retrying")]
    public static partial void ServiceAccountWatchFailed(ILogger logger, Exception exception);
}
