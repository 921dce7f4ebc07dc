using Irsa.Policy.Parsing;

namespace Irsa.Policy;

/// <summary>
/// A validated, compiled and immutable policy document. Parse once (<see cref="Parse"/>) and evaluate many
/// times with <see cref="PolicyEvaluator"/>; instances are safe to share between threads.
/// </summary>
public sealed class PolicyDocument
{
    public const string Version2012 = "2012-10-17";
    public const string Version2008 = "2008-10-17";

    internal PolicyDocument(PolicyKind kind, string? version, string? id, IReadOnlyList<PolicyStatement> statements)
    {
        Kind = kind;
        Version = version;
        Id = id;
        Statements = statements;
    }

    public PolicyKind Kind { get; }

    /// <summary>The <c>Version</c> element, or null when absent.</summary>
    public string? Version { get; }

    public string? Id { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>Policy variables are substituted only under version 2012-10-17.</summary>
    public bool VariablesEnabled => Version == Version2012;

    /// <summary>Validates and compiles <paramref name="json"/> with the rules of <paramref name="kind"/>.</summary>
    public static PolicyParseResult Parse(string json, PolicyKind kind)
    {
        ArgumentNullException.ThrowIfNull(json);
        return PolicyParser.Parse(json, kind);
    }

    /// <summary>Like <see cref="Parse"/> but throws <see cref="FormatException"/> with the AWS message; for trusted input.</summary>
    public static PolicyDocument ParseValid(string json, PolicyKind kind)
    {
        var result = Parse(json, kind);
        return result.IsValid ? result.Document : throw new FormatException(result.Error.Message);
    }
}
