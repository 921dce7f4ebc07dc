using Irsa.Cluster.Errors;

namespace Irsa.Kubernetes;

/// <summary>The amount of detail an audit event carries (<c>audit.k8s.io/v1</c> levels, cumulative).</summary>
public enum KubernetesAuditLevel
{
    /// <summary>No event.</summary>
    None,

    /// <summary>Who did what to which object, and the outcome; no bodies.</summary>
    Metadata,

    /// <summary>Metadata plus the request body of resource requests.</summary>
    Request,

    /// <summary>Request plus the response body of resource requests.</summary>
    RequestResponse,
}

/// <summary>One <c>audit.k8s.io/v1</c> <c>Event</c> at stage <c>ResponseComplete</c>.</summary>
/// <remarks>Members follow the Go struct's order; <see cref="KubernetesAuditEventJson"/> writes them the way kube-apiserver does.</remarks>
public sealed record KubernetesAuditEvent
{
    public const string Stage = "ResponseComplete";

    public required KubernetesAuditLevel Level { get; init; }

    public required string AuditId { get; init; }

    /// <summary>Path and query as the cluster's API server sees them.</summary>
    public required string RequestUri { get; init; }

    /// <summary>The Kubernetes verb, or the lower-cased HTTP method for non-resource URLs.</summary>
    public required string Verb { get; init; }

    /// <summary>The authenticated user; empty when authentication failed.</summary>
    public KubernetesAuditUser User { get; init; } = new();

    public IReadOnlyList<string> SourceIps { get; init; } = [];

    public string? UserAgent { get; init; }

    /// <summary>What the request addressed; null for non-resource URLs.</summary>
    public KubernetesAuditObjectRef? ObjectRef { get; init; }

    /// <summary>The HTTP status code of the response.</summary>
    public required int ResponseCode { get; init; }

    /// <summary>The failure behind a non-2xx response, copied into <c>responseStatus</c>.</summary>
    public KubernetesStatus? ResponseFailure { get; init; }

    /// <summary>The request body as JSON (level Request and above, resource requests only).</summary>
    public ReadOnlyMemory<byte>? RequestObject { get; init; }

    /// <summary>The response body as JSON (level RequestResponse, resource requests only).</summary>
    public ReadOnlyMemory<byte>? ResponseObject { get; init; }

    public required DateTimeOffset RequestReceivedTimestamp { get; init; }

    public required DateTimeOffset StageTimestamp { get; init; }

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
}

/// <summary><c>authentication/v1.UserInfo</c>: every member omitted when empty.</summary>
public sealed record KubernetesAuditUser(
    string? Username = null,
    string? Uid = null,
    IReadOnlyList<string>? Groups = null,
    IReadOnlyDictionary<string, IList<string>>? Extra = null);

/// <summary><c>audit/v1.ObjectReference</c>: every member omitted when empty; no <c>apiGroup</c> for the core group.</summary>
public sealed record KubernetesAuditObjectRef(
    string Resource,
    string? Namespace = null,
    string? Name = null,
    string? Uid = null,
    string? ApiGroup = null,
    string? ApiVersion = null,
    string? ResourceVersion = null,
    string? Subresource = null);
