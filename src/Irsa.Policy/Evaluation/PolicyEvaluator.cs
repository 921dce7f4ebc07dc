using Irsa.Policy.Evaluation;
using Irsa.Policy.Model;

namespace Irsa.Policy;

/// <summary>
/// Evaluates compiled policies for one request, following the documented IAM order: any matching Deny wins;
/// then the resource policy (whose power depends on how its Principal named the caller), identity policies,
/// the permissions boundary and session policies. Stateless and thread-safe.
/// </summary>
public static class PolicyEvaluator
{
    public static AuthorizationResult Evaluate(in AuthorizationRequest request) => Evaluate(request, null);

    /// <summary>
    /// Evaluates like <see cref="Evaluate(in AuthorizationRequest)"/> and, when <paramref name="trace"/> is given, records
    /// why: every statement considered and each condition with the values compared. Tracing allocates; use it to explain a
    /// denial after the fact, not on every decision.
    /// </summary>
    public static AuthorizationResult Evaluate(in AuthorizationRequest request, EvaluationTrace? trace)
    {
        var context = request.Context ?? throw new ArgumentException("The request has no context.", nameof(request));
        var principal = context.Principal;
        var iamIdentity = principal.IsIamIdentity;
        var hasBoundary = iamIdentity && request.PermissionsBoundary is not null;
        var state = new EvaluationState { Trace = trace };
        var collector = new Collector();

        // Caller-side policy sets exist only for IAM identities; web identity, services and anonymous callers
        // can be allowed only by the resource (or trust) policy.
        trace?.EnterSet(PolicySetRole.Identity);
        var identity = iamIdentity ? EvaluateSet(request.IdentityPolicies, context, hasBoundary, ref state, ref collector) : PrincipalMatchKind.None;
        var deniesBefore = collector.Denies?.Count ?? 0;
        trace?.EnterSet(PolicySetRole.PermissionsBoundary);
        var boundary = hasBoundary ? EvaluateOne(request.PermissionsBoundary!, context, hasBoundary, ref state, ref collector) : PrincipalMatchKind.None;
        var boundaryDenied = (collector.Denies?.Count ?? 0) > deniesBefore;
        trace?.EnterSet(PolicySetRole.Session);
        var session = iamIdentity && request.SessionPolicies is not null
            ? EvaluateSet(request.SessionPolicies, context, hasBoundary, ref state, ref collector)
            : PrincipalMatchKind.None;
        trace?.EnterSet(PolicySetRole.Resource);
        var resource = request.ResourcePolicy is { } rp ? EvaluateOne(rp, context, hasBoundary, ref state, ref collector) : PrincipalMatchKind.None;

        var missing = (IReadOnlyList<string>?)state.MissingKeys ?? [];
        bool? boundaryVerdict = hasBoundary ? boundary != PrincipalMatchKind.None && !boundaryDenied : null;
        if (collector.Denies is not null)
        {
            return new AuthorizationResult(PolicyDecision.ExplicitDeny, collector.Denies, missing, boundaryVerdict);
        }

        var boundaryOk = !hasBoundary || boundary != PrincipalMatchKind.None;

        // No session policy: a role session keeps its role's permissions, but GetFederationToken grants nothing.
        var sessionOk = request.SessionPolicies is null
            ? principal.Type != PrincipalType.FederatedUser
            : session != PrincipalMatchKind.None;
        var identityOk = principal.Type == PrincipalType.Root || identity != PrincipalMatchKind.None;
        var identitySide = iamIdentity && identityOk && boundaryOk && sessionOk;

        var sameAccount = request.ResourceAccount is null
            || string.Equals(request.ResourceAccount, principal.AccountId, StringComparison.Ordinal);
        var isTrust = request.ResourcePolicy?.Document.Kind == PolicyKind.Trust;

        bool allowed;
        if (!iamIdentity)
        {
            allowed = resource != PrincipalMatchKind.None;
        }
        else if (!sameAccount)
        {
            // Cross-account: the caller's account and the resource's account must both allow.
            allowed = identitySide && resource != PrincipalMatchKind.None;
        }
        else
        {
            allowed = resource switch
            {
                PrincipalMatchKind.Direct => true,
                PrincipalMatchKind.Parent => boundaryOk && sessionOk,
                PrincipalMatchKind.Wildcard => principal.Type is PrincipalType.User or PrincipalType.Root || (boundaryOk && sessionOk),

                // Trust policies must allow the caller themselves; an identity Allow alone is never enough.
                PrincipalMatchKind.None when isTrust => false,
                _ => identitySide,
            };
        }

        return new AuthorizationResult(
            allowed ? PolicyDecision.Allowed : PolicyDecision.ImplicitDeny,
            (IReadOnlyList<MatchedStatement>?)collector.Allows ?? [],
            missing,
            boundaryVerdict);
    }

    private static PrincipalMatchKind EvaluateSet(
        IReadOnlyList<PolicyEntry>? policies,
        RequestContext context,
        bool hasBoundary,
        ref EvaluationState state,
        ref Collector collector)
    {
        var best = PrincipalMatchKind.None;
        if (policies is null)
        {
            return best;
        }

        for (var i = 0; i < policies.Count; i++)
        {
            var kind = EvaluateOne(policies[i], context, hasBoundary, ref state, ref collector);
            if (kind > best)
            {
                best = kind;
            }
        }

        return best;
    }

    /// <summary>Returns the strongest principal match among the policy's matching Allow statements.</summary>
    private static PrincipalMatchKind EvaluateOne(
        PolicyEntry policy,
        RequestContext context,
        bool hasBoundary,
        ref EvaluationState state,
        ref Collector collector)
    {
        var best = PrincipalMatchKind.None;
        var statements = policy.Document.Statements;
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            state.Trace?.BeginStatement(policy, statement);
            var kind = statement.Matches(context, hasBoundary, ref state);
            if (kind == PrincipalMatchKind.None)
            {
                continue;
            }

            var match = new MatchedStatement(
                policy.PolicyId, policy.SourceType, statement.Index, statement.Sid, statement.Effect, statement.StartPosition, statement.EndPosition);
            if (statement.Effect == PolicyEffect.Deny)
            {
                (collector.Denies ??= []).Add(match);
            }
            else
            {
                (collector.Allows ??= []).Add(match);
                if (kind > best)
                {
                    best = kind;
                }
            }
        }

        return best;
    }

    private struct Collector
    {
        public List<MatchedStatement>? Allows;
        public List<MatchedStatement>? Denies;
    }
}
