namespace Irsa.Kubernetes;

/// <summary>Audit policy and log file limits for every cluster's Kubernetes API.</summary>
public sealed class KubernetesAuditOptions
{
    /// <summary>The level of every request, except those <see cref="LevelFor"/> caps.</summary>
    public KubernetesAuditLevel Level { get; init; } = KubernetesAuditLevel.Metadata;

    /// <summary>A log file is rotated before an event would take it past this size (kube-apiserver's <c>--audit-log-maxsize</c>).</summary>
    public long MaxFileBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary>Rotated files kept per cluster (<c>--audit-log-maxbackup</c>); older ones are deleted.</summary>
    public int MaxBackups { get; init; } = 5;

    /// <summary>
    /// The level for a request: <see cref="Level"/>, but never more than Metadata for TokenRequest and TokenReview,
    /// as in Kubernetes' reference policy: their bodies hold bearer tokens, which must never reach the log.
    /// </summary>
    public KubernetesAuditLevel LevelFor(string group, string resource, string subresource)
    {
        var carriesTokens = (group, resource, subresource) is ("", "serviceaccounts", "token") or ("authentication.k8s.io", "tokenreviews", _);
        return carriesTokens && Level > KubernetesAuditLevel.Metadata ? KubernetesAuditLevel.Metadata : Level;
    }
}
