using System.Globalization;
using Irsa.Policy.Evaluation;
using Irsa.Policy.Matching;

namespace Irsa.Policy.Conditions;

/// <summary>
/// The policy values of one condition key, compiled for one operator family. <see cref="AnyMatches"/> answers
/// the positive question "does this request value match any policy value"; the clause applies negation and
/// set qualifiers.
/// </summary>
internal abstract class ValueMatcher
{
    /// <summary>False when the request value cannot be compared at all (not a number, not an ARN...).</summary>
    public virtual bool IsComparable(string requestValue) => true;

    public abstract bool AnyMatches(string requestValue, RequestContext context, ref EvaluationState state);
}

/// <summary>String*, Bool and the escape/variable-aware equality operators.</summary>
internal sealed class StringValueMatcher : ValueMatcher
{
    private readonly PatternTemplate[] _templates;
    private readonly GlobPattern?[] _compiled;
    private readonly StringComparison _comparison;

    public StringValueMatcher(IReadOnlyList<string> values, bool wildcards, bool ignoreCase, bool variables)
    {
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        _templates = new PatternTemplate[values.Count];
        _compiled = new GlobPattern?[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            _templates[i] = PatternTemplate.Parse(values[i], wildcards, variables);
            _compiled[i] = _templates[i].HasVariables ? null : new GlobPattern(_templates[i].Tokens);
        }
    }

    public override bool AnyMatches(string requestValue, RequestContext context, ref EvaluationState state)
    {
        for (var i = 0; i < _templates.Length; i++)
        {
            var pattern = _compiled[i];
            if (pattern is null)
            {
                // Values with variables are resolved per request; an unresolved one matches nothing.
                if (!_templates[i].TryResolve(context, out var tokens, out var missing))
                {
                    state.AddMissingKey(missing!);
                    continue;
                }

                pattern = new GlobPattern(tokens);
            }

            if (pattern.IsMatch(requestValue, _comparison))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class NumericValueMatcher(decimal[] values, ConditionOperatorKind kind) : ValueMatcher
{
    public static bool TryParse(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);

    public override bool IsComparable(string requestValue) => TryParse(requestValue, out _);

    public override bool AnyMatches(string requestValue, RequestContext context, ref EvaluationState state)
    {
        if (!TryParse(requestValue, out var r))
        {
            return false;
        }

        foreach (var p in values)
        {
            if (Compare.Holds(kind, r.CompareTo(p)))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class DateValueMatcher(DateTimeOffset[] values, ConditionOperatorKind kind) : ValueMatcher
{
    public override bool IsComparable(string requestValue) => PolicyDate.TryParse(requestValue, out _);

    public override bool AnyMatches(string requestValue, RequestContext context, ref EvaluationState state)
    {
        if (!PolicyDate.TryParse(requestValue, out var r))
        {
            return false;
        }

        foreach (var p in values)
        {
            if (Compare.Holds(kind, r.CompareTo(p)))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class BinaryValueMatcher(string[] values) : ValueMatcher
{
    public override bool AnyMatches(string requestValue, RequestContext context, ref EvaluationState state)
    {
        foreach (var p in values)
        {
            if (string.Equals(p, requestValue, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class IpValueMatcher(IpNetwork[] networks) : ValueMatcher
{
    public override bool IsComparable(string requestValue) => System.Net.IPAddress.TryParse(requestValue, out _);

    public override bool AnyMatches(string requestValue, RequestContext context, ref EvaluationState state)
    {
        foreach (var n in networks)
        {
            if (n.Contains(requestValue))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>ArnEquals/ArnLike: segment-wise, case-sensitive; <c>*</c> never crosses a colon in the first five fields.</summary>
internal sealed class ArnValueMatcher : ValueMatcher
{
    private readonly PatternTemplate[] _templates;
    private readonly ArnPattern?[] _compiled;

    public ArnValueMatcher(IReadOnlyList<string> values, bool variables)
    {
        _templates = new PatternTemplate[values.Count];
        _compiled = new ArnPattern?[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            _templates[i] = PatternTemplate.Parse(values[i], wildcards: true, variables);
            _compiled[i] = _templates[i].HasVariables ? null : new ArnPattern(_templates[i].Tokens);
        }
    }

    public override bool IsComparable(string requestValue) => requestValue.AsSpan().Count(':') >= 5;

    public override bool AnyMatches(string requestValue, RequestContext context, ref EvaluationState state)
    {
        for (var i = 0; i < _templates.Length; i++)
        {
            var pattern = _compiled[i];
            if (pattern is null)
            {
                if (!_templates[i].TryResolve(context, out var tokens, out var missing))
                {
                    state.AddMissingKey(missing!);
                    continue;
                }

                pattern = new ArnPattern(tokens);
            }

            if (pattern.IsMatch(requestValue, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

internal static class Compare
{
    /// <summary>Whether "request OP policy" holds given <c>request.CompareTo(policy)</c>.</summary>
    public static bool Holds(ConditionOperatorKind kind, int order) => kind switch
    {
        ConditionOperatorKind.NumericEquals or ConditionOperatorKind.NumericNotEquals
            or ConditionOperatorKind.DateEquals or ConditionOperatorKind.DateNotEquals => order == 0,
        ConditionOperatorKind.NumericLessThan or ConditionOperatorKind.DateLessThan => order < 0,
        ConditionOperatorKind.NumericLessThanEquals or ConditionOperatorKind.DateLessThanEquals => order <= 0,
        ConditionOperatorKind.NumericGreaterThan or ConditionOperatorKind.DateGreaterThan => order > 0,
        ConditionOperatorKind.NumericGreaterThanEquals or ConditionOperatorKind.DateGreaterThanEquals => order >= 0,
        _ => false,
    };
}
