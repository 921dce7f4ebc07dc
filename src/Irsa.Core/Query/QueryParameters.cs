using System.Globalization;

namespace Irsa.Core.Query;

/// <summary>
/// The flattened parameters of an awsQuery request (<c>Action=...&amp;Version=...&amp;Name.member.1=...</c>).
/// </summary>
/// <remarks>
/// Note: botocore serialises an empty list as <c>Name=</c>; <see cref="GetList"/> reads that as an empty list.
/// </remarks>
public sealed class QueryParameters
{
    private readonly Dictionary<string, string> _values;

    public QueryParameters(IEnumerable<KeyValuePair<string, string>> values)
    {
        _values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            // First occurrence wins, as AWS does for repeated query keys.
            _values.TryAdd(key, value);
        }
    }

    public string? Action => Get("Action");

    public string? Version => Get("Version");

    public IReadOnlyDictionary<string, string> All => _values;

    public string? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Reads <c>{prefix}.member.N</c> (1-based, contiguous) as a list; <c>null</c> when absent.</summary>
    public IReadOnlyList<string>? GetList(string prefix)
    {
        if (!HasAnyWithPrefix(prefix))
        {
            return null;
        }

        var list = new List<string>();
        for (var i = 1; _values.TryGetValue($"{prefix}.member.{i.ToString(CultureInfo.InvariantCulture)}", out var value); i++)
        {
            list.Add(value);
        }

        return list;
    }

    /// <summary>Reads <c>{prefix}.member.N.{field}</c> structures; <c>null</c> when absent.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>>? GetStructList(string prefix)
    {
        if (!HasAnyWithPrefix(prefix))
        {
            return null;
        }

        var list = new List<IReadOnlyDictionary<string, string>>();
        for (var i = 1; ; i++)
        {
            var memberPrefix = $"{prefix}.member.{i.ToString(CultureInfo.InvariantCulture)}.";
            var fields = _values.Where(kv => kv.Key.StartsWith(memberPrefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[memberPrefix.Length..], kv => kv.Value, StringComparer.Ordinal);
            if (fields.Count == 0)
            {
                return list;
            }

            list.Add(fields);
        }
    }

    private bool HasAnyWithPrefix(string prefix) =>
        _values.ContainsKey(prefix) || _values.Keys.Any(k => k.StartsWith(prefix + ".", StringComparison.Ordinal));
}
