using Irsa.Policy.Conditions;
using Irsa.Policy.Evaluation;
using Irsa.Policy.Model;

namespace Irsa.Policy;

/// <summary>One compiled, immutable statement of a <see cref="PolicyDocument"/>.</summary>
public sealed class PolicyStatement
{
    private readonly ActionMatcher _actions;
    private readonly ResourceMatcher? _resources;
    private readonly PrincipalMatcher? _principal;
    private readonly ConditionClause[] _conditions;

    internal PolicyStatement(
        int index,
        string? sid,
        PolicyEffect effect,
        SourcePosition start,
        SourcePosition end,
        ActionMatcher actions,
        ResourceMatcher? resources,
        PrincipalMatcher? principal,
        ConditionClause[] conditions)
    {
        Index = index;
        Sid = sid;
        Effect = effect;
        StartPosition = start;
        EndPosition = end;
        _actions = actions;
        _resources = resources;
        _principal = principal;
        _conditions = conditions;
    }

    /// <summary>Zero-based index in the document's statement list.</summary>
    public int Index { get; }

    public string? Sid { get; }

    public PolicyEffect Effect { get; }

    /// <summary>Position of the statement's opening brace.</summary>
    public SourcePosition StartPosition { get; }

    /// <summary>Position just after the statement's closing brace.</summary>
    public SourcePosition EndPosition { get; }

    public bool HasPrincipal => _principal is not null;

    /// <summary>Whether the statement applies to the request, and how its principal element matched.</summary>
    internal PrincipalMatchKind Matches(RequestContext context, bool callerHasBoundary, ref EvaluationState state)
    {
        if (!_actions.Matches(context))
        {
            state.Trace?.Mismatch(StatementPart.Action);
            return PrincipalMatchKind.None;
        }

        if (_resources is not null && !_resources.Matches(context, ref state))
        {
            state.Trace?.Mismatch(StatementPart.Resource);
            return PrincipalMatchKind.None;
        }

        var kind = PrincipalMatchKind.Direct; // identity-side statements apply to their own principal
        if (_principal is not null)
        {
            if (_principal.Negated)
            {
                // Deny + NotPrincipal in a resource policy always denies a caller with a permissions boundary.
                var applies = (Effect == PolicyEffect.Deny && callerHasBoundary) || _principal.NotPrincipalApplies(context.Principal);
                kind = applies ? PrincipalMatchKind.Wildcard : PrincipalMatchKind.None;
            }
            else
            {
                kind = _principal.Match(context.Principal);
            }

            if (kind == PrincipalMatchKind.None)
            {
                state.Trace?.Mismatch(StatementPart.Principal);
                return PrincipalMatchKind.None;
            }
        }

        // Every clause is evaluated (no short circuit) so MissingContextValues lists all absent keys.
        var all = true;
        foreach (var clause in _conditions)
        {
            var holds = clause.Evaluate(context, ref state);
            state.Trace?.Condition(clause, context, holds);
            all &= holds;
        }

        if (!all)
        {
            state.Trace?.Mismatch(StatementPart.Condition);
            return PrincipalMatchKind.None;
        }

        return kind;
    }
}
