using System.Globalization;
using System.Text;
using Irsa.Core.Audit;
using Irsa.Policy;

namespace Irsa.Iam.Authorization;

/// <summary>Names a policy in an explanation: <c>inline policy P of arn:…:role/R</c>, <c>trust policy of arn:…:role/R</c>…</summary>
public delegate string PolicySourceNamer(PolicyEntry policy, PolicySetRole role);

/// <summary>
/// Explains a denied decision for the operator: which statement denied, which condition did not match with the values
/// compared, or which policy set allowed nothing, quoting the statements involved. The request is re-evaluated with an
/// <see cref="EvaluationTrace"/>, so the normal (allowed) path never pays for tracing.
/// </summary>
public static class DenialExplainer
{
    /// <summary>A Deny statement applied.</summary>
    public const string ExplicitDeny = "ExplicitDeny";

    /// <summary>No statement allowed (no candidate failed only on its conditions).</summary>
    public const string NoAllow = "NoAllow";

    /// <summary>A trust-policy statement naming the caller and the action failed on a condition.</summary>
    public const string TrustPolicyCondition = "TrustPolicyCondition";

    /// <summary>The identity policies allowed, but the permissions boundary did not.</summary>
    public const string PermissionsBoundary = "PermissionsBoundary";

    /// <summary>The role's policies allowed, but no session policy did.</summary>
    public const string SessionPolicy = "SessionPolicy";

    /// <summary>Statements quoted at most, so a large policy set cannot bloat an audit record.</summary>
    private const int MaxExcerpts = 8;

    /// <summary>
    /// Explains why <paramref name="request"/> is denied; <c>null</c> when it is allowed. Condition values whose key starts with
    /// <paramref name="tokenKeyPrefix"/> (a provider URL) are reported as the token's, the others as the request's.
    /// </summary>
    public static Explanation? Explain(in AuthorizationRequest request, PolicySourceNamer describe, string? tokenKeyPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(describe);
        var trace = new EvaluationTrace();
        var result = PolicyEvaluator.Evaluate(request, trace);
        if (result.IsAllowed)
        {
            return null;
        }

        var explainer = new Writer(request, describe, tokenKeyPrefix);
        return result.Decision == PolicyDecision.ExplicitDeny
            ? explainer.ExplicitDeny(trace)
            : explainer.ImplicitDeny(trace, result);
    }

    /// <summary>One <c>Operator key: expected …, token has …</c> line.</summary>
    public static string DescribeCondition(ConditionTrace condition, string holder)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var text = new StringBuilder().Append(condition.Operator).Append(' ').Append(condition.Key).Append(": ");
        if (string.Equals(condition.Operator, "Null", StringComparison.Ordinal))
        {
            var absent = condition.PolicyValues.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
            text.Append(absent ? "expected no value" : "expected a value");
        }
        else
        {
            var values = condition.PolicyValues;
            text.Append(condition.Negated ? (values.Count == 1 ? "expected not " : "expected none of ") : (values.Count == 1 ? "expected " : "expected one of "))
                .Append(ExplanationText.List(values));
        }

        text.Append(", ").Append(holder);
        if (condition.RequestValues is not { } actual)
        {
            return text.Append(" has no value").ToString();
        }

        text.Append(" has ").Append(actual.Count == 1 ? ExplanationText.Quote(actual[0]) : "[" + ExplanationText.List(actual) + "]");
        return text.ToString();
    }

    private sealed class Writer(AuthorizationRequest request, PolicySourceNamer describe, string? tokenKeyPrefix)
    {
        private readonly RequestContext _context = request.Context;
        private readonly AuthorizationRequest _request = request;

        public Explanation ExplicitDeny(EvaluationTrace trace)
        {
            var denies = trace.Statements.Where(s => s.Applies && s.Statement.Effect == PolicyEffect.Deny).ToList();
            var first = denies[0];
            var details = new List<string>();
            foreach (var deny in denies)
            {
                details.Add($"{Name(deny)} denies {_context.Action} on {_context.Resource}");
                details.AddRange(deny.Conditions.Select(c => "  " + DescribeCondition(c, Holder(c))));
            }

            return new Explanation(DenialExplainer.ExplicitDeny, $"{Capitalize(Name(first))} explicitly denies {_context.Action} on {_context.Resource}.",
                details, Excerpts(denies));
        }

        public Explanation ImplicitDeny(EvaluationTrace trace, AuthorizationResult result)
        {
            var action = _context.Action;
            var resource = _context.Resource;
            if (result.AllowedByPermissionsBoundary == false && _request.PermissionsBoundary is { } boundary)
            {
                return NoAllowIn(trace, PolicySetRole.PermissionsBoundary, DenialExplainer.PermissionsBoundary,
                    $"The permissions boundary ({describe(boundary, PolicySetRole.PermissionsBoundary)}) does not allow {action} on {resource}.");
            }

            var identityAllowed = trace.Statements.Any(s => s.Role == PolicySetRole.Identity && s.Applies);
            var sessionAllowed = trace.Statements.Any(s => s.Role == PolicySetRole.Session && s.Applies);
            if (_request.SessionPolicies is not null && identityAllowed && !sessionAllowed)
            {
                return NoAllowIn(trace, PolicySetRole.Session, DenialExplainer.SessionPolicy,
                    $"The role's policies allow {action} on {resource}, but no session policy does.");
            }

            if (_request.ResourcePolicy is { Document.Kind: PolicyKind.Trust } trust)
            {
                var source = describe(trust, PolicySetRole.Resource);
                var conditional = trace.Statements.FirstOrDefault(s => s.Role == PolicySetRole.Resource
                    && s.Statement.Effect == PolicyEffect.Allow && s.Mismatch == StatementPart.Condition);
                if (conditional is not null)
                {
                    var failed = conditional.Conditions.First(c => !c.Matched);
                    return NoAllowIn(trace, PolicySetRole.Resource, TrustPolicyCondition,
                        $"{Capitalize(Name(conditional))} names the caller and allows {action}, but its condition {failed.Operator} {failed.Key} did not match.");
                }

                return NoAllowIn(trace, PolicySetRole.Resource, NoAllow,
                    $"No statement of the {source} allows {action} for {_context.Principal.Id}.");
            }

            return NoAllowIn(trace, PolicySetRole.Identity, NoAllow, _request.IdentityPolicies is { Count: > 0 }
                ? $"No identity-based policy allows {action} on {resource}."
                : $"The caller has no identity-based policy, so nothing allows {action} on {resource}.");
        }

        /// <summary>Allow statements of <paramref name="role"/> that did not apply, each with the part that did not match.</summary>
        private Explanation NoAllowIn(EvaluationTrace trace, PolicySetRole role, string check, string summary)
        {
            var allows = trace.Statements.Where(s => s.Role == role && s.Statement.Effect == PolicyEffect.Allow).ToList();

            // Statements that at least cover the action are the ones the operator meant; without any, show them all.
            var candidates = allows.Where(s => s.Mismatch != StatementPart.Action).ToList();
            if (candidates.Count == 0)
            {
                candidates = allows;
            }

            var details = new List<string>();
            foreach (var statement in candidates)
            {
                switch (statement.Mismatch)
                {
                    case StatementPart.Action:
                        details.Add($"{Name(statement)}: its action does not cover {_context.Action}");
                        break;
                    case StatementPart.Resource:
                        details.Add($"{Name(statement)}: its resource does not match {_context.Resource}");
                        break;
                    case StatementPart.Principal:
                        details.Add($"{Name(statement)}: its principal does not name {_context.Principal.Id}");
                        break;
                    case StatementPart.Condition:
                        details.Add($"{Name(statement)}: a condition did not match");
                        details.AddRange(statement.Conditions.Where(c => !c.Matched).Select(c => DescribeCondition(c, Holder(c))));
                        break;
                    default:
                        // An Allow that applied but was outweighed: the boundary or session policies decided, named in the summary.
                        details.Add($"{Name(statement)} allows {_context.Action}");
                        break;
                }
            }

            return new Explanation(check, summary, details, Excerpts(candidates));
        }

        private List<PolicyExcerpt> Excerpts(List<StatementTrace> statements)
        {
            var excerpts = new List<PolicyExcerpt>();
            foreach (var s in statements.Take(MaxExcerpts))
            {
                excerpts.Add(new PolicyExcerpt(describe(s.Policy, s.Role), s.Statement.StartPosition.Line, s.Statement.EndPosition.Line,
                    s.Policy.Document.GetStatementText(s.Statement) ?? string.Empty));
            }

            return excerpts;
        }

        private string Name(StatementTrace s)
        {
            var statement = s.Statement;
            var text = new StringBuilder("statement ").Append((statement.Index + 1).ToString(CultureInfo.InvariantCulture));
            if (statement.Sid is { Length: > 0 } sid)
            {
                text.Append(" (Sid \"").Append(sid).Append("\")");
            }

            text.Append(CultureInfo.InvariantCulture, $" at lines {statement.StartPosition.Line}-{statement.EndPosition.Line} of the {describe(s.Policy, s.Role)}");
            return text.ToString();
        }

        private string Holder(ConditionTrace condition) =>
            tokenKeyPrefix is not null && condition.Key.Length > tokenKeyPrefix.Length && condition.Key[tokenKeyPrefix.Length] == ':'
                && condition.Key.StartsWith(tokenKeyPrefix, StringComparison.OrdinalIgnoreCase) ? "token" : "request";

        private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }
}
