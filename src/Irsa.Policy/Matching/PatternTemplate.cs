using System.Text;

namespace Irsa.Policy.Matching;

/// <summary>
/// A policy string split into tokens: literal text, <c>*</c>/<c>?</c> wildcards (when the element honours them)
/// and policy variables (when the document version enables them). Escapes <c>${*}</c>, <c>${?}</c> and
/// <c>${$}</c> become literal characters.
/// </summary>
internal sealed class PatternTemplate
{
    private PatternTemplate(string source, PatternToken[] tokens)
    {
        Source = source;
        Tokens = tokens;
        foreach (var t in tokens)
        {
            HasVariables |= t.Kind == PatternTokenKind.Variable;
        }
    }

    public string Source { get; }

    public PatternToken[] Tokens { get; }

    public bool HasVariables { get; }

    public static PatternTemplate Concat(string source, PatternTemplate head, PatternTemplate tail) =>
        new(source, [.. head.Tokens, .. tail.Tokens]);

    public static PatternTemplate Parse(string text, bool wildcards, bool variables)
    {
        var tokens = new List<PatternToken>();
        var literal = new StringBuilder();

        void Flush()
        {
            if (literal.Length > 0)
            {
                tokens.Add(new PatternToken(PatternTokenKind.Literal, literal.ToString()));
                literal.Clear();
            }
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (variables && c == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close > 0 && TryParseVariable(text.AsSpan(i + 2, close - i - 2), out var token))
                {
                    if (token.Kind == PatternTokenKind.Literal)
                    {
                        literal.Append(token.Text);
                    }
                    else
                    {
                        Flush();
                        tokens.Add(token);
                    }

                    i = close;
                    continue;
                }
            }

            if (wildcards && c is '*' or '?')
            {
                Flush();
                tokens.Add(c == '*' ? PatternToken.Star : new PatternToken(PatternTokenKind.Question, "?"));
                continue;
            }

            literal.Append(c);
        }

        Flush();
        return new PatternTemplate(text, [.. tokens]);
    }

    /// <summary>Replaces variables by request values. False when a variable has no value and no default.</summary>
    public bool TryResolve(RequestContext context, out PatternToken[] resolved, out string? missingKey)
    {
        missingKey = null;
        if (!HasVariables)
        {
            resolved = Tokens;
            return true;
        }

        resolved = new PatternToken[Tokens.Length];
        for (var i = 0; i < Tokens.Length; i++)
        {
            var t = Tokens[i];
            if (t.Kind != PatternTokenKind.Variable)
            {
                resolved[i] = t;
                continue;
            }

            // Only single-valued keys substitute; a multivalued key counts as unresolved.
            if (context.TryGetSingleValue(t.Text, out var value))
            {
                resolved[i] = new PatternToken(PatternTokenKind.Literal, value);
            }
            else if (t.Default is not null)
            {
                resolved[i] = new PatternToken(PatternTokenKind.Literal, t.Default);
            }
            else
            {
                missingKey = t.Text;
                resolved = [];
                return false;
            }
        }

        return true;
    }

    private static bool TryParseVariable(ReadOnlySpan<char> inner, out PatternToken token)
    {
        token = default;
        var trimmed = inner.Trim();
        if (trimmed.Length == 1 && trimmed[0] is '*' or '?' or '$')
        {
            token = new PatternToken(PatternTokenKind.Literal, trimmed.ToString());
            return true;
        }

        string? defaultValue = null;
        var comma = trimmed.IndexOf(',');
        var key = trimmed;
        if (comma >= 0)
        {
            key = trimmed[..comma].TrimEnd();
            var rest = trimmed[(comma + 1)..].Trim();
            if (rest.Length < 2 || rest[0] != '\'' || rest[^1] != '\'')
            {
                return false;
            }

            defaultValue = rest[1..^1].ToString();
        }

        if (key.IsEmpty || key.ContainsAny(" \t'${"))
        {
            return false;
        }

        token = new PatternToken(PatternTokenKind.Variable, key.ToString(), defaultValue);
        return true;
    }
}
