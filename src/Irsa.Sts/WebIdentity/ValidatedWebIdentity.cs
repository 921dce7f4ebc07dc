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
public sealed record KubernetesIdentity(string Namespace, string? ServiceAccountName, string? ServiceAccountUid, string? PodName, string? PodUid);

/// <summary>Either a validated identity or the AWS error to answer with, plus a loggable detail.</summary>
public sealed record WebIdentityResult(ValidatedWebIdentity? Identity, Irsa.Core.Aws.AwsError? Error, string? Detail)
{
    public static WebIdentityResult Success(ValidatedWebIdentity identity) => new(identity, null, null);

    public static WebIdentityResult Failure(Irsa.Core.Aws.AwsError error, string? detail = null) => new(null, error, detail);
}
