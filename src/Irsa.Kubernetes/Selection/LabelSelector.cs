using Irsa.Cluster.Errors;

namespace Irsa.Kubernetes;

/// <summary>
/// A parsed <c>labelSelector</c> (<c>k8s.io/apimachinery/pkg/labels</c>): comma-separated requirements, all of which
/// must hold: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c> and <c>!k</c>.
/// </summary>
/// <remarks><c>!=</c> and <c>notin</c> also match objects without the label, as in Kubernetes.</remarks>
internal sealed class LabelSelector
{
    private const int MaxLength = 4096;

    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEmpty => _requirements.Count == 0;

    /// <summary>Parses a selector; malformed input is a 400 with a message in the spirit of the Go parser's.</summary>
    public static LabelSelector Parse(string selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return Everything;
        }

        if (selector.Length > MaxLength)
        {
            throw Invalid(selector, $"selector is longer than {MaxLength} characters");
        }

        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(selector))
        {
            requirements.Add(ParseRequirement(part.Trim(), selector));
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        foreach (var requirement in _requirements)
        {
            var present = labels.TryGetValue(requirement.Key, out var value);
            var ok = requirement.Operator switch
            {
                Op.Exists => present,
                Op.DoesNotExist => !present,
                Op.In => present && requirement.Values.Contains(value!),
                Op.NotIn => !present || !requirement.Values.Contains(value!),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static Requirement ParseRequirement(string text, string selector)
    {
        if (text.Length == 0)
        {
            throw Invalid(selector, "found '', expected: !, identifier, or 'end of string'");
        }

        if (text.StartsWith('!'))
        {
            return new Requirement(Key(text[1..].Trim(), selector), Op.DoesNotExist, []);
        }

        foreach (var (token, op) in new[] { ("!=", Op.NotIn), ("==", Op.In), ("=", Op.In) })
        {
            var at = text.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                var value = text[(at + token.Length)..].Trim();
                CheckValue(value, selector);
                return new Requirement(Key(text[..at].Trim(), selector), op, [value]);
            }
        }

        var words = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 1)
        {
            return new Requirement(Key(words[0], selector), Op.Exists, []);
        }

        var rest = words[1];
        var setOp = rest.StartsWith("notin", StringComparison.Ordinal) ? Op.NotIn : rest.StartsWith("in", StringComparison.Ordinal) ? Op.In : (Op?)null;
        var set = setOp is null ? "" : rest[(setOp == Op.NotIn ? 5 : 2)..].Trim();
        if (setOp is not { } setOperator || !set.StartsWith('(') || !set.EndsWith(')'))
        {
            throw Invalid(selector, $"found '{rest}', expected: in, notin, =, ==, !=, gt, lt");
        }

        var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries).ToList();
        values.ForEach(v => CheckValue(v, selector));
        return new Requirement(Key(words[0], selector), setOperator, values);
    }

    private static string Key(string key, string selector)
    {
        var name = key.Contains('/', StringComparison.Ordinal) ? key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..] : key;
        if (name.Length is 0 or > 63 || !IsQualifiedNamePart(name))
        {
            throw Invalid(selector, $"invalid label key \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
        }

        return key;
    }

    private static void CheckValue(string value, string selector)
    {
        if (value.Length > 63 || (value.Length > 0 && !IsQualifiedNamePart(value)))
        {
            throw Invalid(selector, $"invalid label value: \"{value}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
        }
    }

    private static bool IsQualifiedNamePart(string text) =>
        char.IsAsciiLetterOrDigit(text[0]) && char.IsAsciiLetterOrDigit(text[^1]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Splits at commas outside parentheses (set values contain commas).</summary>
    private static IEnumerable<string> SplitTopLevel(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            depth += selector[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }

        yield return selector[start..];
    }

    private static KubernetesStatusException Invalid(string selector, string cause) =>
        new(KubernetesStatus.BadRequest($"unable to parse requirement: {cause}"));

    private enum Op
    {
        In,
        NotIn,
        Exists,
        DoesNotExist,
    }

    private sealed record Requirement(string Key, Op Operator, List<string> Values);
}
