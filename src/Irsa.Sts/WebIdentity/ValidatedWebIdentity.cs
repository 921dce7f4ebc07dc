using Irsa.Core.Audit;
using Irsa.Iam.Queries;

namespace Irsa.Sts.WebIdentity;

/// <summary>The facts of a web identity token that passed every check.</summary>
/// <remarks>
/// <c>Audience</c> is the client id that matched (the response member and the <c>:aud</c> key); with an <c>azp</c>
/// claim, <c>OriginalAudience</c> is the token's own <c>aud</c> (<c>:oaud</c>). <c>Roles</c> is the
/// <c>https://aws.amazon.com/roles</c> claim, when present.
/// </remarks>
public sealed record ValidatedWebIdentity(
    string Issuer,
    OpenIdConnectProviderInfo Provider,
    string Subject,
    string Audience,
    string? AuthorizedParty,
    string? OriginalAudience,
    IReadOnlyList<string>? AuthenticationMethods,
    string? Email,
    string? KeyId,
    DateTimeOffset ExpiresAt,
    SessionTagsClaim? Tags,
    string? SourceIdentity,
    IReadOnlyList<string>? Roles,
    KubernetesIdentity? Kubernetes);

/// <summary>Session tags from the <c>https://aws.amazon.com/tags</c> claim.</summary>
public sealed record SessionTagsClaim(IReadOnlyDictionary<string, string> PrincipalTags, IReadOnlyList<string> TransitiveTagKeys);

/// <summary>The Kubernetes identity in a service-account token's <c>kubernetes.io</c> claim.</summary>
/// <remarks>
/// <c>NodeName</c>/<c>NodeUid</c> come from <c>kubernetes.io.node</c>, which kube-apiserver 1.30+ writes into pod-bound tokens
/// (uid omitted when the node object was not found).
/// </remarks>
public sealed record KubernetesIdentity(
    string Namespace,
    string? ServiceAccountName,
    string? ServiceAccountUid,
    string? PodName,
    string? PodUid,
    string? NodeName = null,
    string? NodeUid = null)
{
    private const string SubjectPrefix = "system:serviceaccount:";

    /// <summary>
    /// The audit trail's view of this identity. The service account name falls back to the one in <paramref name="subject"/>
    /// (<c>system:serviceaccount:NS:NAME</c>) for tokens whose claim omits it.
    /// </summary>
    public PodAttribution ToPodAttribution(string issuer, string? subject, string? clusterName)
    {
        var serviceAccount = ServiceAccountName;
        if (serviceAccount is null && subject is not null && subject.StartsWith(SubjectPrefix + Namespace + ":", StringComparison.Ordinal))
        {
            serviceAccount = subject[(SubjectPrefix.Length + Namespace.Length + 1)..];
        }

        return new PodAttribution(issuer, clusterName, Namespace, serviceAccount ?? string.Empty, PodName, PodUid, NodeName)
        {
            ServiceAccountUid = ServiceAccountUid,
            NodeUid = NodeUid,
        };
    }
}

/// <summary>
/// Who called <c>AssumeRoleWithWebIdentity</c>, as far as the token tells, for the audit record's <c>WebIdentityUser</c>; set for
/// failures too, once the token parsed and named an issuer.
/// </summary>
/// <param name="Issuer">The token's <c>iss</c>.</param>
/// <param name="ProviderArn">The IAM OIDC provider registered for <c>iss</c> in the role's account; <c>null</c> when there is none.</param>
/// <param name="Audience">The client id that matched, or (before matching, or when none did) the token's first <c>aud</c>.</param>
/// <param name="Subject">The token's <c>sub</c>.</param>
/// <param name="Verified">Whether the signature was verified; when <c>false</c>, every fact here is only the caller's claim.</param>
/// <param name="Pod">The pod from the <c>kubernetes.io</c> claim, when the token has one.</param>
public sealed record WebIdentityCaller(string Issuer, string? ProviderArn, string? Audience, string? Subject, bool Verified, PodAttribution? Pod);

/// <summary>Either a validated identity or the AWS error to answer with, plus a loggable detail and the operator's explanation.</summary>
public sealed record WebIdentityResult(ValidatedWebIdentity? Identity, Irsa.Core.Aws.AwsError? Error, string? Detail)
{
    /// <summary>Why validation failed, for the audit trail; <c>null</c> on success. Never holds the token.</summary>
    public Explanation? Explanation { get; init; }

    /// <summary>The caller's web identity facts; <c>null</c> when the token did not parse or named no issuer.</summary>
    public WebIdentityCaller? Caller { get; init; }

    public static WebIdentityResult Success(ValidatedWebIdentity identity, WebIdentityCaller caller) => new(identity, null, null) { Caller = caller };

    public static WebIdentityResult Failure(Irsa.Core.Aws.AwsError error, Explanation explanation, WebIdentityCaller? caller) =>
        new(null, error, explanation.Summary) { Explanation = explanation, Caller = caller };
}
