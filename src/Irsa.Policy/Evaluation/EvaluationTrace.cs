using Irsa.Policy.Conditions;

namespace Irsa.Policy;

/// <summary>
/// Why an evaluation decided as it did: every statement considered, the first part of it that did not match the
/// request, and each condition with the values compared. Filled only when passed to
/// <see cref="PolicyEvaluator.Evaluate(in AuthorizationRequest, EvaluationTrace?)"/>; meant for the rare denial path
/// (re-evaluate with a trace to explain a denial), never for every decision. Not thread-safe; use one per evaluation.
/// </summary>
public sealed class EvaluationTrace
{
    private readonly List<StatementTrace> _statements = [];
    private PolicySetRole _role;
    private StatementTrace? _current;

    /// <summary>The statements in evaluation order: identity policies, boundary, session policies, resource policy.</summary>
    public IReadOnlyList<StatementTrace> Statements => _statements;

    internal void EnterSet(PolicySetRole role) => _role = role;

    internal void BeginStatement(PolicyEntry policy, PolicyStatement statement)
    {
        _current = new StatementTrace(policy, _role, statement);
        _statements.Add(_current);
    }

    internal void Mismatch(StatementPart part)
    {
        if (_current is { Mismatch: StatementPart.None })
        {
            _current.Mismatch = part;
        }
    }

    internal void Condition(ConditionClause clause, RequestContext context, bool matched)
    {
        var requestValues = context.TryGetValue(clause.Key, out var value) && value.Values.Count > 0 ? value.Values : null;
        _current?.Add(new ConditionTrace(clause.OperatorName, clause.Key, clause.PolicyValues, requestValues, clause.Operator.IsNegated, matched));
    }
}

/// <summary>Which set of the request a traced policy belongs to.</summary>
public enum PolicySetRole
{
    Identity,
    PermissionsBoundary,
    Session,

    /// <summary>The resource policy, or the role trust policy for AssumeRole*.</summary>
    Resource,
}

/// <summary>The first element of a statement that did not match the request (<see cref="None"/>: the statement applied).</summary>
public enum StatementPart
{
    None,
    Action,
    Resource,
    Principal,
    Condition,
}

/// <summary>One statement as the evaluator saw it.</summary>
public sealed class StatementTrace
{
    private readonly List<ConditionTrace> _conditions = [];

    internal StatementTrace(PolicyEntry policy, PolicySetRole role, PolicyStatement statement)
    {
        Policy = policy;
        Role = role;
        Statement = statement;
    }

    public PolicyEntry Policy { get; }

    public PolicySetRole Role { get; }

    public PolicyStatement Statement { get; }

    /// <summary>The first element that did not match; <see cref="StatementPart.None"/> when the statement applied.</summary>
    public StatementPart Mismatch { get; internal set; }

    public bool Applies => Mismatch == StatementPart.None;

    /// <summary>Every condition of the statement (all are evaluated once action, resource and principal match).</summary>
    public IReadOnlyList<ConditionTrace> Conditions => _conditions;

    internal void Add(ConditionTrace condition) => _conditions.Add(condition);
}

/// <summary>One condition: the operator as written, the key, the policy's values and the request's (<c>null</c> when absent).</summary>
/// <param name="Operator">The operator as written in the policy, qualifiers included (<c>ForAnyValue:StringLike</c>).</param>
/// <param name="Key">The context key as written in the policy.</param>
/// <param name="PolicyValues">The policy's values, verbatim (variables unresolved).</param>
/// <param name="RequestValues">The request's values for the key; <c>null</c> when the request has none.</param>
/// <param name="Negated">Whether the operator matches when no policy value matches (<c>StringNotEquals</c>…).</param>
/// <param name="Matched">Whether the condition held.</param>
public sealed record ConditionTrace(
    string Operator,
    string Key,
    IReadOnlyList<string> PolicyValues,
    IReadOnlyList<string>? RequestValues,
    bool Negated,
    bool Matched);
