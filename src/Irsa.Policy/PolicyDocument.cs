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

    internal PolicyDocument(PolicyKind kind, string? version, string? id, IReadOnlyList<PolicyStatement> statements, string text)
    {
        Kind = kind;
        Version = version;
        Id = id;
        Statements = statements;
        Text = text;
    }

    public PolicyKind Kind { get; }

    /// <summary>The <c>Version</c> element, or null when absent.</summary>
    public string? Version { get; }

    public string? Id { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>The document exactly as parsed; statement positions refer to it.</summary>
    public string Text { get; }

    /// <summary>Policy variables are substituted only under version 2012-10-17.</summary>
    public bool VariablesEnabled => Version == Version2012;

    /// <summary>
    /// The verbatim text of one of this document's statements, from its opening to its closing brace, with the
    /// indentation of its first line when nothing else precedes it there (so quoted lines keep their shape).
    /// </summary>
    public string GetStatementText(PolicyStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var start = OffsetOf(statement.StartPosition);
        var end = OffsetOf(statement.EndPosition);
        var lineStart = start;
        while (lineStart > 0 && Text[lineStart - 1] is ' ' or '\t')
        {
            lineStart--;
        }

        if (lineStart == 0 || Text[lineStart - 1] == '\n')
        {
            start = lineStart;
        }

        return Text[start..end];
    }

    /// <summary>The character offset of a 1-based line/column position (lines end at <c>\n</c>, as the parser counts them).</summary>
    private int OffsetOf(SourcePosition position)
    {
        var offset = 0;
        for (var line = 1; line < position.Line; line++)
        {
            offset = Text.IndexOf('\n', offset) + 1;
        }

        return Math.Min(offset + position.Column - 1, Text.Length);
    }

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
