namespace Irsa.Policy.Model;

/// <summary>How a resource-policy principal element matched the caller; it decides what else must allow.</summary>
internal enum PrincipalMatchKind
{
    None = 0,

    /// <summary>The account (ID or <c>:root</c>) was named: delegation, so the identity side must also allow.</summary>
    Account = 1,

    /// <summary><c>"*"</c> matched.</summary>
    Wildcard = 2,

    /// <summary>The role (for a role session) or the user (for its federated-user session) was named.</summary>
    Parent = 3,

    /// <summary>The caller itself was named (user ARN, session ARN, service, provider, canonical user).</summary>
    Direct = 4,
}
