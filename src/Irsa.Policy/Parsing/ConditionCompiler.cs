using Irsa.Policy.Conditions;

namespace Irsa.Policy.Parsing;

/// <summary>Turns a validated condition into a <see cref="ConditionClause"/> with pre-compiled values.</summary>
internal static class ConditionCompiler
{
    public static ConditionClause Compile(RawCondition raw, bool versionAllowsVariables)
    {
        var op = raw.Operator;
        var variables = versionAllowsVariables && op.AllowsVariables;
        ValueMatcher? matcher = null;
        bool? nullExpectsAbsent = null;
        switch (op.Kind)
        {
            case ConditionOperatorKind.StringEquals or ConditionOperatorKind.StringNotEquals:
                matcher = new StringValueMatcher(raw.Values, wildcards: false, ignoreCase: false, variables);
                break;
            case ConditionOperatorKind.StringEqualsIgnoreCase or ConditionOperatorKind.StringNotEqualsIgnoreCase:
                matcher = new StringValueMatcher(raw.Values, wildcards: false, ignoreCase: true, variables);
                break;
            case ConditionOperatorKind.StringLike or ConditionOperatorKind.StringNotLike:
                matcher = new StringValueMatcher(raw.Values, wildcards: true, ignoreCase: false, variables);
                break;
            case ConditionOperatorKind.Bool:
                matcher = new StringValueMatcher(raw.Values, wildcards: false, ignoreCase: true, variables);
                break;
            case ConditionOperatorKind.BinaryEquals:
                matcher = new BinaryValueMatcher([.. raw.Values]);
                break;
            case ConditionOperatorKind.IpAddress or ConditionOperatorKind.NotIpAddress:
                matcher = new IpValueMatcher(raw.Values.Select(v => IpNetwork.TryParse(v, out var n) ? n! : throw new FormatException(v)).ToArray());
                break;
            case ConditionOperatorKind.ArnEquals or ConditionOperatorKind.ArnLike
                or ConditionOperatorKind.ArnNotEquals or ConditionOperatorKind.ArnNotLike:
                matcher = new ArnValueMatcher(raw.Values, variables);
                break;
            case ConditionOperatorKind.Null:
                // Several values OR together; an unrecognised value matches nothing.
                var wantsAbsent = raw.Values.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
                var wantsPresent = raw.Values.Any(v => v.Equals("false", StringComparison.OrdinalIgnoreCase));
                nullExpectsAbsent = wantsAbsent && wantsPresent ? null : wantsAbsent ? true : wantsPresent ? false : null;
                if (wantsAbsent && wantsPresent)
                {
                    return new ConditionClause(op, raw.OperatorName, raw.Key, raw.Values, null, null, alwaysTrue: true);
                }

                break;
            default:
                if (op.IsNumeric)
                {
                    matcher = new NumericValueMatcher(raw.Values.Select(v => NumericValueMatcher.TryParse(v, out var d) ? d : 0m).ToArray(), op.Kind);
                }
                else
                {
                    matcher = new DateValueMatcher(raw.Values.Select(v => PolicyDate.TryParse(v, out var d) ? d : default).ToArray(), op.Kind);
                }

                break;
        }

        return new ConditionClause(op, raw.OperatorName, raw.Key, raw.Values, matcher, nullExpectsAbsent);
    }
}
