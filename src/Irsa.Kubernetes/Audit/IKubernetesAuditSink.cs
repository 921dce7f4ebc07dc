namespace Irsa.Kubernetes;

/// <summary>Where a cluster's audit events go. Called once per request, after the handler and before the response is sent.</summary>
public interface IKubernetesAuditSink
{
    /// <summary>Records the event durably enough that it survives the process once this completes (see the README).</summary>
    Task WriteAsync(string clusterId, KubernetesAuditEvent auditEvent, CancellationToken cancellationToken);
}
