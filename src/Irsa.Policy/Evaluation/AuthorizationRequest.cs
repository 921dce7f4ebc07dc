namespace Irsa.Policy;

/// <summary>
/// Everything the evaluator needs for one decision: the request and the applicable policy sets.
/// <see cref="SessionPolicies"/> is null when the caller is not a session or was given no session policy;
/// an empty list means "session policies were passed but none allows" (GetFederationToken without a policy).
/// </summary>
public readonly struct AuthorizationRequest
{
    public AuthorizationRequest(RequestContext context) => Context = context;

    public RequestContext Context { get; init; }

    /// <summary>A request decided by a role trust policy alone (AssumeRoleWithWebIdentity, AssumeRoleWithSAML).</summary>
    public static AuthorizationRequest ForTrustPolicy(RequestContext context, PolicyEntry trustPolicy) =>
        new(context) { ResourcePolicy = trustPolicy };

    /// <summary>Inline and managed identity policies (and group policies) of the caller.</summary>
    public IReadOnlyList<PolicyEntry>? IdentityPolicies { get; init; }

    /// <summary>The resource-based policy, or the role trust policy for AssumeRole*.</summary>
    public PolicyEntry? ResourcePolicy { get; init; }

    public PolicyEntry? PermissionsBoundary { get; init; }

    public IReadOnlyList<PolicyEntry>? SessionPolicies { get; init; }

    /// <summary>Account that owns the resource; when it differs from the caller's account both sides must allow.</summary>
    public string? ResourceAccount { get; init; }
}
