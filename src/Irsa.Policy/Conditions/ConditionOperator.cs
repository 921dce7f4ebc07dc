namespace Irsa.Policy.Conditions;

/// <summary>The base condition operators of the IAM policy grammar.</summary>
internal enum ConditionOperatorKind
{
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

internal enum SetQualifier
{
    None,
    ForAllValues,
    ForAnyValue,
}

/// <summary>A parsed operator name: <c>[ForAllValues:|ForAnyValue:]Base[IfExists]</c>.</summary>
internal readonly record struct ConditionOperator(ConditionOperatorKind Kind, SetQualifier Qualifier, bool IfExists)
{
    /// <summary>Negated operators test "matches none of the policy values".</summary>
    public bool IsNegated => Kind is ConditionOperatorKind.StringNotEquals or ConditionOperatorKind.StringNotEqualsIgnoreCase
        or ConditionOperatorKind.StringNotLike or ConditionOperatorKind.NumericNotEquals or ConditionOperatorKind.DateNotEquals
        or ConditionOperatorKind.NotIpAddress or ConditionOperatorKind.ArnNotEquals or ConditionOperatorKind.ArnNotLike;

    /// <summary>Operators whose values may hold policy variables.</summary>
    public bool AllowsVariables => Kind is <= ConditionOperatorKind.StringNotLike or ConditionOperatorKind.Bool
        or (>= ConditionOperatorKind.ArnEquals and <= ConditionOperatorKind.ArnNotLike);

    public bool IsDate => Kind is >= ConditionOperatorKind.DateEquals and <= ConditionOperatorKind.DateGreaterThanEquals;

    public bool IsNumeric => Kind is >= ConditionOperatorKind.NumericEquals and <= ConditionOperatorKind.NumericGreaterThanEquals;

    /// <summary>Parses an operator name with its exact documented spelling; null when unknown or malformed.</summary>
    public static ConditionOperator? TryParse(string name)
    {
        var qualifier = SetQualifier.None;
        var rest = name.AsSpan();
        if (rest.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAllValues;
            rest = rest["ForAllValues:".Length..];
        }
        else if (rest.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAnyValue;
            rest = rest["ForAnyValue:".Length..];
        }

        var ifExists = false;
        if (rest.EndsWith("IfExists", StringComparison.Ordinal))
        {
            ifExists = true;
            rest = rest[..^"IfExists".Length];
        }

        if (rest.IsEmpty || !char.IsAsciiLetterUpper(rest[0]))
        {
            return null;
        }

        foreach (var c in rest)
        {
            if (!char.IsAsciiLetter(c))
            {
                return null;
            }
        }

        if (!Enum.TryParse<ConditionOperatorKind>(rest, ignoreCase: false, out var kind) || !Enum.IsDefined(kind))
        {
            return null;
        }

        // Null tests presence itself, so IfExists or a set qualifier on it is meaningless.
        if (kind == ConditionOperatorKind.Null && (ifExists || qualifier != SetQualifier.None))
        {
            return null;
        }

        return new ConditionOperator(kind, qualifier, ifExists);
    }
}
