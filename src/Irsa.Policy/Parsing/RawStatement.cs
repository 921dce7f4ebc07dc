using Irsa.Policy.Json;

namespace Irsa.Policy.Parsing;

/// <summary>A statement after the syntax pass: element shapes are known to be right, values are not yet checked.</summary>
internal sealed class RawStatement
{
    public required JsonNode Node { get; init; }

    public string? Sid { get; set; }

    public string? Effect { get; set; }

    public bool HasPrincipal { get; set; }

    public bool NotPrincipal { get; set; }

    public bool PrincipalWildcard { get; set; }

    /// <summary>Principal entries as (type, value); type is AWS, Federated, Service or CanonicalUser.</summary>
    public List<KeyValuePair<string, string>> Principals { get; } = [];

    public List<string>? Actions { get; set; }

    public bool NotAction { get; set; }

    public List<string>? Resources { get; set; }

    public bool NotResource { get; set; }

    public List<RawCondition> Conditions { get; } = [];
}

/// <summary>One operator/key pair of a <c>Condition</c> block; <c>OperatorName</c> is the operator as written.</summary>
internal sealed record RawCondition(Conditions.ConditionOperator Operator, string OperatorName, string Key, List<string> Values);
