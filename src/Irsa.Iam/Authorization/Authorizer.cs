using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Policy;

namespace Irsa.Iam.Authorization;

/// <summary>
/// Decides whether a caller may perform an action on a resource: the caller's identity policies, permissions
/// boundary and session policies (and an optional resource policy) evaluated by the policy engine.
/// </summary>
public sealed class Authorizer(PrincipalPolicyResolver resolver, TimeProvider timeProvider)
{
    /// <summary>
    /// Evaluates one request (<paramref name="action"/> such as <c>iam:CreateRole</c> on <paramref name="resourceArn"/>).
    /// <paramref name="context"/> carries transport keys (<c>aws:SourceIp</c>, <c>aws:SecureTransport</c>…);
    /// <paramref name="resourcePolicy"/> is the resource's own policy, if any, and <paramref name="resourceAccount"/> its owner
    /// when that may differ from the caller's account. A caller whose user or role no longer exists is implicitly denied.
    /// </summary>
    public async Task<AuthorizationOutcome> AuthorizeAsync(CallerIdentity caller, string action, string resourceArn,
        IReadOnlyDictionary<string, ContextValue>? context = null, PolicyEntry? resourcePolicy = null, string? resourceAccount = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentException.ThrowIfNullOrEmpty(resourceArn);
        var principal = await resolver.ResolveAsync(caller, cancellationToken);
        var request = CreateRequest(caller, principal, action, resourceArn, context, resourcePolicy, resourceAccount, timeProvider.GetUtcNow());
        var result = PolicyEvaluator.Evaluate(request);

        // Denials are rare: only they pay for the traced re-evaluation behind the explanation.
        var explanation = result.IsAllowed ? null
            : principal is null ? PrincipalNotFound(caller)
            : DenialExplainer.Explain(request, (policy, role) => DescribePolicy(policy, role, principal.EntityArn));
        return new AuthorizationOutcome(caller.PrincipalArn, action, resourceArn, result, request, explanation);
    }

    /// <summary>
    /// The policy engine's request for one decision: the caller's context (vouched keys, principal and session tags, source
    /// identity, time) and every policy set that takes part. STS uses it with a role's trust policy as the resource policy.
    /// </summary>
    public static AuthorizationRequest CreateRequest(CallerIdentity caller, ResolvedPrincipal? principal, string action, string resourceArn,
        IReadOnlyDictionary<string, ContextValue>? context, PolicyEntry? resourcePolicy, string? resourceAccount, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new AuthorizationRequest(BuildContext(caller, principal, action, resourceArn, context, now))
        {
            IdentityPolicies = principal?.IdentityPolicies ?? [],
            PermissionsBoundary = principal?.PermissionsBoundary,
            SessionPolicies = caller.Session?.SessionPolicies,
            ResourcePolicy = resourcePolicy,
            ResourceAccount = resourceAccount ?? caller.AccountId,
        };
    }

    /// <summary>How an explanation names a policy of the caller: <c>inline policy P of arn:…</c>, <c>managed policy arn:…</c>…</summary>
    public static string DescribePolicy(PolicyEntry policy, PolicySetRole role, string entityArn) => role switch
    {
        PolicySetRole.PermissionsBoundary => "permissions boundary " + (policy.Arn ?? policy.PolicyId),
        PolicySetRole.Session => policy.Arn is { } sessionArn ? "session policy " + sessionArn
            : policy.SourceType == PolicySourceType.None ? "inline session policy" : "session policy " + policy.PolicyId,
        PolicySetRole.Resource => "resource-based policy " + policy.PolicyId,
        _ => policy.Arn is { } managedArn ? "managed policy " + managedArn : $"inline policy {policy.PolicyId} of {entityArn}",
    };

    private static Explanation PrincipalNotFound(CallerIdentity caller)
    {
        var entity = caller.PrincipalType == PrincipalType.AssumedRole ? "role " + (caller.Session?.RoleArn ?? caller.EntityName) : "user " + caller.EntityName;
        return Explanation.Of("PrincipalNotFound", $"The {entity} behind {caller.PrincipalArn} no longer exists (or was re-created with a new id).",
            "entity id: " + caller.EntityId);
    }

    /// <summary>The request context of a caller: its vouched keys, principal tags, source identity and the current time.</summary>
    internal static RequestContext BuildContext(CallerIdentity caller, ResolvedPrincipal? principal, string action, string resourceArn,
        IReadOnlyDictionary<string, ContextValue>? extra, DateTimeOffset now)
    {
        var builder = RequestContext.CreateBuilder(action, resourceArn)
            .WithPrincipal(caller.PrincipalType == PrincipalType.AssumedRole
                ? RequestPrincipal.AssumedRole(caller.PrincipalArn, principal?.EntityArn ?? caller.Session?.RoleArn ?? caller.PrincipalArn)
                : RequestPrincipal.User(caller.PrincipalArn))
            .WithCurrentTime(now);
        if (principal is not null)
        {
            foreach (var (key, value) in principal.Tags)
            {
                builder.Add("aws:PrincipalTag/" + key, value);
            }
        }

        if (caller.Session is { } session)
        {
            // Session tags override the role's own tags of the same key.
            foreach (var (key, value) in session.SessionTags)
            {
                builder.Add("aws:PrincipalTag/" + key, value);
            }

            if (session.SourceIdentity is { } sourceIdentity)
            {
                builder.Add("aws:SourceIdentity", sourceIdentity);
            }
        }

        Apply(builder, caller.ContextKeys);
        if (extra is not null)
        {
            Apply(builder, extra);
        }

        return builder.Build();
    }

    /// <summary>Adds keys to a request context being built (multivalued keys as lists).</summary>
    public static void Apply(RequestContextBuilder builder, IReadOnlyDictionary<string, ContextValue> values)
    {
        foreach (var (key, value) in values)
        {
            if (value.IsMultiValued || value.Values.Count != 1)
            {
                builder.SetList(key, value.Values, value.Type);
            }
            else
            {
                builder.Set(key, value.Type, value.Values[0]);
            }
        }
    }
}

/// <summary>The decision for one request, with the engine's details and the AWS-shaped denial.</summary>
public sealed class AuthorizationOutcome
{
    private readonly AuthorizationRequest _request;

    internal AuthorizationOutcome(string principalArn, string action, string resourceArn, AuthorizationResult result, AuthorizationRequest request,
        Explanation? explanation)
    {
        PrincipalArn = principalArn;
        Action = action;
        ResourceArn = resourceArn;
        Result = result;
        _request = request;
        Explanation = explanation;
    }

    public string PrincipalArn { get; }

    public string Action { get; }

    public string ResourceArn { get; }

    /// <summary>The engine's result: decision, matched statements, missing context keys, boundary verdict.</summary>
    public AuthorizationResult Result { get; }

    public bool IsAllowed => Result.IsAllowed;

    public PolicyDecision Decision => Result.Decision;

    /// <summary>
    /// Why the request was denied, for the operator (the caller gets only <see cref="ToAccessDenied"/>): the statement that
    /// denied, the conditions that did not match with the values compared, or the policy set that allowed nothing.
    /// <c>null</c> when allowed.
    /// </summary>
    public Explanation? Explanation { get; }

    /// <summary>
    /// The <c>AccessDenied</c> error AWS would send, e.g. <c>User: arn:… is not authorized to perform: iam:CreateRole on resource:
    /// arn:… because no identity-based policy allows the iam:CreateRole action</c>; <c>null</c> when allowed.
    /// </summary>
    /// <param name="quoteResource">S3 quotes the resource (<c>on resource: "arn:aws:s3:::b/k"</c>) and names none for <c>*</c>.</param>
    public AwsError? ToAccessDenied(bool quoteResource = false)
    {
        if (IsAllowed)
        {
            return null;
        }

        var resource = !quoteResource ? " on resource: " + ResourceArn
            : ResourceArn == "*" ? string.Empty
            : $" on resource: \"{ResourceArn}\"";
        return AwsError.AccessDenied($"User: {PrincipalArn} is not authorized to perform: {Action}{resource} {Reason()}");
    }

    private string Reason()
    {
        if (Decision == PolicyDecision.ExplicitDeny)
        {
            var ids = Result.MatchedStatements.Select(m => m.PolicyId).ToHashSet(StringComparer.Ordinal);
            var kind = _request.SessionPolicies?.Any(p => ids.Contains(p.PolicyId)) == true ? "a session policy"
                : _request.PermissionsBoundary is { } b && ids.Contains(b.PolicyId) && _request.IdentityPolicies?.Any(p => ids.Contains(p.PolicyId)) != true
                    ? "a permissions boundary"
                    : _request.ResourcePolicy is { } r && ids.Contains(r.PolicyId) ? "a resource-based policy"
                    : "an identity-based policy";
            return $"with an explicit deny in {kind}";
        }

        if (Result.AllowedByPermissionsBoundary == false)
        {
            return $"because no permissions boundary allows the {Action} action";
        }

        var identityAllowed = Result.MatchedStatements.Any(m => _request.IdentityPolicies?.Any(p => p.PolicyId == m.PolicyId) == true);
        var crossAccount = Arn.TryParse(PrincipalArn, out var principal) && _request.ResourceAccount is not null && !string.Equals(principal.Account, _request.ResourceAccount, StringComparison.Ordinal);
        if (crossAccount && identityAllowed)
        {
            // Across accounts both sides must allow: the identity side did, so the resource's policy is what was missing.
            return $"because no resource-based policy allows the {Action} action";
        }

        return identityAllowed && _request.SessionPolicies is not null
            ? $"because no session policy allows the {Action} action"
            : $"because no identity-based policy allows the {Action} action";
    }
}
