namespace Irsa.Policy;

/// <summary>
/// The caller of a request. <see cref="Id"/> is the ARN (users, roles sessions, root), the service name,
/// the identity-provider ARN or name (web identity), or the canonical user ID.
/// <see cref="ParentArn"/> is the role ARN of an assumed-role session, or the user ARN of a federated-user session,
/// so that resource policies naming the role also match its sessions.
/// </summary>
public sealed record RequestPrincipal(PrincipalType Type, string Id, string? AccountId, string? ParentArn = null)
{
    public static RequestPrincipal Anonymous { get; } = new(PrincipalType.Anonymous, "*", null);

    public static RequestPrincipal Root(string accountId) => new(PrincipalType.Root, $"arn:aws:iam::{accountId}:root", accountId);

    public static RequestPrincipal User(string userArn) => new(PrincipalType.User, userArn, AccountOf(userArn));

    public static RequestPrincipal AssumedRole(string sessionArn, string roleArn) =>
        new(PrincipalType.AssumedRole, sessionArn, AccountOf(sessionArn), roleArn);

    public static RequestPrincipal FederatedUser(string federatedUserArn, string userArn) =>
        new(PrincipalType.FederatedUser, federatedUserArn, AccountOf(federatedUserArn), userArn);

    public static RequestPrincipal Service(string serviceName) => new(PrincipalType.Service, serviceName, null);

    /// <summary>A web-identity caller, named by the IAM OIDC provider ARN or a well-known provider name.</summary>
    public static RequestPrincipal WebIdentity(string provider) =>
        new(PrincipalType.WebIdentity, provider, provider.StartsWith("arn:", StringComparison.Ordinal) ? AccountOf(provider) : null);

    public static RequestPrincipal CanonicalUser(string canonicalUserId) => new(PrincipalType.CanonicalUser, canonicalUserId, null);

    /// <summary>True for principals whose own account policies (identity, boundary, session) take part.</summary>
    internal bool IsIamIdentity => Type is PrincipalType.Root or PrincipalType.User or PrincipalType.AssumedRole or PrincipalType.FederatedUser;

    /// <summary>The account ID (5th ARN field) of an ARN, or null.</summary>
    public static string? AccountOf(string arn)
    {
        ArgumentNullException.ThrowIfNull(arn);
        var parts = arn.Split(':', 6);
        return parts.Length == 6 && parts[4].Length > 0 ? parts[4] : null;
    }
}
