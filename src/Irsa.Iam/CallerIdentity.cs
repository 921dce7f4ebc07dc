using Irsa.Core.Audit;
using Irsa.Policy;

namespace Irsa.Iam;

/// <summary>
/// Who is calling: built by SigV4 authentication (long-term keys) or by STS from a sealed session token.
/// A plain immutable value; authorization resolves the entity's policies from the store on every call.
/// </summary>
/// <param name="AccountId">The caller's account; every IAM call is confined to it.</param>
/// <param name="PrincipalArn">The principal as AWS names it in errors: <c>arn:aws:iam::A:user/N</c> or <c>arn:aws:sts::A:assumed-role/R/S</c>.</param>
/// <param name="PrincipalType"><see cref="PrincipalType.User"/> or <see cref="PrincipalType.AssumedRole"/>.</param>
/// <param name="EntityName">The IAM user name, or the role name of a role session.</param>
/// <param name="EntityId">The user id (<c>AIDA…</c>) or role id (<c>AROA…</c>).</param>
/// <param name="Session">The session, for role sessions; <c>null</c> for long-term credentials.</param>
/// <param name="ContextKeys">Extra request context keys the issuer vouches for (<c>aws:userid</c>, <c>aws:PrincipalArn</c>, web-identity keys…).</param>
public sealed record CallerIdentity(
    string AccountId,
    string PrincipalArn,
    PrincipalType PrincipalType,
    string EntityName,
    string EntityId,
    CallerSession? Session,
    IReadOnlyDictionary<string, ContextValue> ContextKeys)
{
    /// <summary>The caller of a request signed with an IAM user's long-term access key.</summary>
    public static CallerIdentity ForUser(string accountId, string userArn, string userName, string userId) =>
        new(accountId, userArn, PrincipalType.User, userName, userId, null, new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:userid"] = Single(userId),
            ["aws:username"] = Single(userName),
            ["aws:PrincipalArn"] = new ContextValue(ContextKeyType.Arn, [userArn], false),
            ["aws:PrincipalAccount"] = Single(accountId),
            ["aws:PrincipalType"] = Single("User"),
        });

    /// <summary>
    /// The caller of a request signed with role-session credentials (<c>assumed-role/ROLE/SESSION</c>);
    /// <paramref name="roleArn"/> keeps the role path, as <c>aws:PrincipalArn</c> does.
    /// </summary>
    public static CallerIdentity ForRoleSession(string accountId, string roleArn, string roleName, string roleId, string sessionName,
        CallerSession session, IReadOnlyDictionary<string, ContextValue>? extraContext = null)
    {
        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:userid"] = Single(roleId + ":" + sessionName),
            ["aws:PrincipalArn"] = new ContextValue(ContextKeyType.Arn, [roleArn], false),
            ["aws:PrincipalAccount"] = Single(accountId),
            ["aws:PrincipalType"] = Single("AssumedRole"),
        };
        if (extraContext is not null)
        {
            foreach (var (key, value) in extraContext)
            {
                keys[key] = value;
            }
        }

        return new(accountId, $"arn:{IamProtocol.Partition}:sts::{accountId}:assumed-role/{roleName}/{sessionName}",
            PrincipalType.AssumedRole, roleName, roleId, session with { RoleArn = roleArn }, keys);
    }

    private static ContextValue Single(string value) => new(ContextKeyType.String, [value], false);
}

/// <summary>The session half of a role-session caller.</summary>
/// <param name="SessionPolicies">Compiled session policies (inline + managed ARNs), or <c>null</c> when none were passed, which leaves the role's permissions unrestricted.</param>
/// <param name="SessionTags">Session tags (become <c>aws:PrincipalTag/*</c>).</param>
/// <param name="SourceIdentity">The source identity set at assume time, if any.</param>
public sealed record CallerSession(
    IReadOnlyList<PolicyEntry>? SessionPolicies,
    IReadOnlyDictionary<string, string> SessionTags,
    string? SourceIdentity)
{
    /// <summary>The role the session belongs to, with its path; set by <see cref="CallerIdentity.ForRoleSession"/>.</summary>
    public string RoleArn { get; init; } = string.Empty;

    /// <summary>The pod whose service-account token obtained the session (sealed in it); <c>null</c> for other sessions.</summary>
    public PodAttribution? Pod { get; init; }

    /// <summary>When the session's credentials were issued (CloudTrail's <c>sessionContext.attributes.creationDate</c>).</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>Keys of <see cref="SessionTags"/> that pass on to sessions this one assumes by role chaining (<c>TransitiveTagKeys</c>).</summary>
    public IReadOnlyList<string> TransitiveTagKeys { get; init; } = [];

    /// <summary>The IAM OIDC provider the session was federated through, if any (CloudTrail's <c>webIdFederationData</c>).</summary>
    public string? FederatedProvider { get; init; }

    public static CallerSession Empty { get; } = new(null, new Dictionary<string, string>(), null);
}
