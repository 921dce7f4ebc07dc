namespace Irsa.Webhook;

/// <summary>What happened to one admission request, for metrics.</summary>
public enum AdmissionOutcome
{
    /// <summary>Patched with IRSA (upstream <c>pod_identity_webhook_pod_count{method="sts_web_identity"}</c>).</summary>
    MutatedWebIdentity,

    /// <summary>Patched with EKS Pod Identity (upstream <c>pod_identity_webhook_pod_count{method="container_credentials"}</c>).</summary>
    MutatedContainerCredentials,

    /// <summary>Allowed unchanged: the ServiceAccount has no role and is not enrolled.</summary>
    NotMutated,

    /// <summary>Allowed unchanged because the ServiceAccount was not found (upstream <c>pod_identity_webhook_missing_sa_count</c>).</summary>
    ServiceAccountMissing,

    /// <summary>Denied (<c>allowed:false</c>) because the review or its pod could not be decoded.</summary>
    Rejected,
}

/// <summary>
/// Hooks a host implements to publish Prometheus metrics. Calls happen on the request path, so
/// implementations must be cheap and thread-safe.
/// </summary>
public interface IWebhookMetrics
{
    /// <summary>One HTTP request finished (upstream <c>http_request_count</c> and <c>http_request_latencies</c>).</summary>
    void RequestCompleted(int statusCode, TimeSpan duration);

    /// <summary>One admission decision was made.</summary>
    void AdmissionDecided(AdmissionOutcome outcome);
}

/// <summary>An <see cref="IWebhookMetrics"/> that records nothing.</summary>
public sealed class NullWebhookMetrics : IWebhookMetrics
{
    /// <summary>The shared instance.</summary>
    public static NullWebhookMetrics Instance { get; } = new();

    /// <inheritdoc />
    public void RequestCompleted(int statusCode, TimeSpan duration)
    {
    }

    /// <inheritdoc />
    public void AdmissionDecided(AdmissionOutcome outcome)
    {
    }
}
