using Irsa.Policy.Evaluation;

namespace Irsa.Policy.Conditions;

/// <summary>
/// One operator applied to one context key with its policy values. Missing-key, IfExists and set-operator
/// semantics follow the IAM documentation; see <see cref="Evaluate"/>.
/// </summary>
internal sealed class ConditionClause(
    ConditionOperator op,
    string operatorName,
    string key,
    IReadOnlyList<string> policyValues,
    ValueMatcher? matcher,
    bool? nullExpectsAbsent,
    bool alwaysTrue = false)
{
    public ConditionOperator Operator { get; } = op;

    /// <summary>The operator as written in the policy (for explanations).</summary>
    public string OperatorName { get; } = operatorName;

    public string Key { get; } = key;

    /// <summary>The policy's values as written (for explanations).</summary>
    public IReadOnlyList<string> PolicyValues { get; } = policyValues;

    public bool Evaluate(RequestContext context, ref EvaluationState state)
    {
        var present = context.TryGetValue(Key, out var value) && value.Values.Count > 0;
        if (Operator.Kind == ConditionOperatorKind.Null)
        {
            // Null: "true" means the key must be absent. An empty value list counts as absent.
            return alwaysTrue || nullExpectsAbsent is { } expectAbsent && expectAbsent != present;
        }

        if (!present)
        {
            state.AddMissingKey(Key);
            if (Operator.IfExists)
            {
                return true;
            }

            return Operator.Qualifier switch
            {
                SetQualifier.ForAllValues => true, // vacuous truth
                SetQualifier.ForAnyValue => false,
                _ => Operator.IsNegated,
            };
        }

        var values = value.Values;
        switch (Operator.Qualifier)
        {
            case SetQualifier.ForAllValues:
                for (var i = 0; i < values.Count; i++)
                {
                    if (!Test(values[i], context, ref state))
                    {
                        return false;
                    }
                }

                return true;
            case SetQualifier.ForAnyValue:
                for (var i = 0; i < values.Count; i++)
                {
                    if (Test(values[i], context, ref state))
                    {
                        return true;
                    }
                }

                return false;
            default:
                // A multivalued key under a plain operator never matches, even negated (the differential peer's
                // reading of AWS; the docs leave it undefined).
                return !value.IsMultiValued && Test(values[0], context, ref state);
        }
    }

    private bool Test(string requestValue, RequestContext context, ref EvaluationState state)
    {
        if (!matcher!.IsComparable(requestValue))
        {
            return false;
        }

        var any = matcher.AnyMatches(requestValue, context, ref state);
        return Operator.IsNegated ? !any : any;
    }
}
