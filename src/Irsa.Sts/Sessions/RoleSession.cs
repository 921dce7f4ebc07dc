using System.Text.Json.Serialization;
using Irsa.Core.Audit;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts.Sessions;

/// <summary>
/// Everything a role session is: sealed into its session token at issue time and read back on every signed call,
/// so no session state is stored server-side.
/// </summary>
public sealed record RoleSession
{
    /// <summary>The <c>ASIA…</c> access key id bound to this session.</summary>
    public string AccessKeyId { get; init; } = string.Empty;

    public required string AccountId { get; init; }

    /// <summary>The role ARN, path included.</summary>
    public required string RoleArn { get; init; }

    /// <summary>The role's unique id (<c>AROA…</c>); a re-created role of the same name does not honour old sessions.</summary>
    public required string RoleId { get; init; }

    public required string RoleName { get; init; }

    public required string SessionName { get; init; }

    /// <summary>The inline session policy text, verbatim; <c>null</c> when none was passed.</summary>
    public string? Policy { get; init; }

    /// <summary>Managed session policy ARNs (re-read at call time).</summary>
    public IReadOnlyList<string> PolicyArns { get; init; } = [];

    /// <summary>Session tags (become <c>aws:PrincipalTag/*</c>).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> TransitiveTagKeys { get; init; } = [];

    public string? SourceIdentity { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required DateTimeOffset Expiration { get; init; }

    /// <summary>The web identity this session was obtained with (<c>AssumeRoleWithWebIdentity</c>); <c>null</c> for every other kind.</summary>
    public WebIdentitySession? WebIdentity { get; init; }

    /// <summary>
    /// The pod behind the session: the web identity token's, or, for a session chained from such a session or obtained
    /// through EKS Pod Identity, the original pod's (so every call of the chain is still attributed to it).
    /// </summary>
    public KubernetesSession? Kubernetes { get; init; }

    /// <summary>
    /// Who vouched for <see cref="Kubernetes"/> when <see cref="WebIdentity"/> is not this session's own: the original token's
    /// issuer for a chained session, the cluster ARN for an EKS Pod Identity session.
    /// </summary>
    public string? PodIssuer { get; init; }

    /// <summary>What the credentials stand for: a role session (default) or an IAM user's <c>GetSessionToken</c> session.</summary>
    public SessionKind Kind { get; init; }

    /// <summary><c>arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION</c>: the role path is dropped, as AWS does.</summary>
    public string AssumedRoleArn => $"arn:aws:sts::{AccountId}:assumed-role/{RoleName}/{SessionName}";

    /// <summary><c>AROA…:SESSION</c>, also <c>aws:userid</c>.</summary>
    public string AssumedRoleId => RoleId + ":" + SessionName;

    /// <summary>The pod whose service-account token obtained this session; <c>null</c> for other web identities.</summary>
    [JsonIgnore]
    public PodAttribution? Pod => Kubernetes is { } kubernetes && (WebIdentity?.Issuer ?? PodIssuer) is { } issuer
        ? kubernetes.ToPodAttribution(issuer, WebIdentity?.Subject)
        : null;

    /// <summary>Whether session policies restrict the role's permissions.</summary>
    public bool HasSessionPolicies => Policy is not null || PolicyArns.Count > 0;
}

/// <summary>What a set of session credentials stands for.</summary>
public enum SessionKind
{
    /// <summary>A role session (<c>AssumeRole*</c>, EKS Pod Identity): <see cref="RoleSession.RoleArn"/> names the role.</summary>
    Role,

    /// <summary>
    /// An IAM user's <c>GetSessionToken</c> session: the caller is the user itself, and <see cref="RoleSession.RoleArn"/>,
    /// <see cref="RoleSession.RoleId"/> and <see cref="RoleSession.RoleName"/> hold the user's ARN, id and name.
    /// </summary>
    User,
}

/// <summary>The web identity behind a session: issuer, IAM provider ARN, <c>sub</c>, matched <c>aud</c> and <c>amr</c>.</summary>
public sealed record WebIdentitySession(string Issuer, string ProviderArn, string Subject, string Audience, IReadOnlyList<string>? AuthenticationMethods = null);

/// <summary>
/// The Kubernetes identity behind a session, from the token's <c>kubernetes.io</c> claim, and the Irsa cluster that issued it.
/// Members added later are optional, so sessions sealed by older builds (without node or cluster) still open.
/// </summary>
public sealed record KubernetesSession(
    string Namespace,
    string? ServiceAccountName,
    string? ServiceAccountUid,
    string? PodName,
    string? PodUid,
    string? NodeName = null,
    string? NodeUid = null,
    string? ClusterName = null)
{
    /// <summary>The sealed form of a validated token's identity.</summary>
    public static KubernetesSession From(KubernetesIdentity identity, string? clusterName)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new(identity.Namespace, identity.ServiceAccountName, identity.ServiceAccountUid, identity.PodName, identity.PodUid,
            identity.NodeName, identity.NodeUid, clusterName);
    }

    /// <summary>The sealed form of an audit attribution (a chained session carries its caller's pod on).</summary>
    public static KubernetesSession FromAttribution(PodAttribution pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return new(pod.Namespace, pod.ServiceAccount.Length == 0 ? null : pod.ServiceAccount, pod.ServiceAccountUid, pod.PodName, pod.PodUid,
            pod.NodeName, pod.NodeUid, pod.ClusterName);
    }

    public PodAttribution ToPodAttribution(string issuer, string? subject) =>
        new KubernetesIdentity(Namespace, ServiceAccountName, ServiceAccountUid, PodName, PodUid, NodeName, NodeUid)
            .ToPodAttribution(issuer, subject, ClusterName);
}
