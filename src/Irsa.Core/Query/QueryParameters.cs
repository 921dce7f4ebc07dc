using System.Globalization;

namespace Irsa.Core.Query;

/// <summary>
/// The flattened parameters of an awsQuery request (<c>Action=...&amp;Version=...&amp;Name.member.1=...</c>).
/// </summary>
/// <remarks>
/// Note: botocore serialises an empty list as <c>Name=</c>; <see cref="GetList"/> reads that as an empty list.
/// List members are indexed in one pass over the keys the first time a list is read, so reading any list (nested
/// ones included) costs time linear in the request, never members × parameters: this runs before authentication.
/// </remarks>
public sealed class QueryParameters
{
    private const string MemberSegment = ".member.";

    private readonly Dictionary<string, string> _values;
    private Dictionary<string, ListMembers>? _lists;

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

    /// <summary>
    /// How many members <c>{prefix}.member.1..N</c> the list has (1-based, contiguous, as read by
    /// <see cref="GetList"/> and <see cref="GetStructList"/>); 0 when absent. Cheap: check it against a cap before
    /// reading the members.
    /// </summary>
    public int MemberCount(string prefix) => Members(prefix)?.Count ?? 0;

    /// <summary>Reads <c>{prefix}.member.N</c> (1-based, contiguous) as a list; <c>null</c> when absent.</summary>
    public IReadOnlyList<string>? GetList(string prefix)
    {
        var members = Members(prefix);
        if (members is null)
        {
            return _values.ContainsKey(prefix) ? [] : null;
        }

        var list = new List<string>(members.Count);
        for (var i = 1; i <= members.Count && members.Scalars.TryGetValue(i, out var value); i++)
        {
            list.Add(value);
        }

        return list;
    }

    /// <summary>Reads <c>{prefix}.member.N.{field}</c> structures; <c>null</c> when absent.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>>? GetStructList(string prefix)
    {
        var members = Members(prefix);
        if (members is null)
        {
            return _values.ContainsKey(prefix) ? [] : null;
        }

        var list = new List<IReadOnlyDictionary<string, string>>(members.Count);
        for (var i = 1; i <= members.Count && members.Fields.TryGetValue(i, out var fields); i++)
        {
            list.Add(fields);
        }

        return list;
    }

    /// <summary>The key prefix of member <paramref name="index"/> (1-based) of a list, for reading nested lists.</summary>
    public static string MemberPrefix(string prefix, int index) =>
        prefix + MemberSegment + index.ToString(CultureInfo.InvariantCulture);

    private ListMembers? Members(string prefix) =>
        (_lists ??= IndexLists(_values)).TryGetValue(prefix, out var members) ? members : null;

    /// <summary>
    /// One pass over every key: each <c>.member.N</c> segment files the key under the list prefix before it, so a
    /// nested key (<c>A.member.1.B.member.2</c>) is filed under <c>A</c> (field <c>B.member.2</c>) and under
    /// <c>A.member.1.B</c> (scalar 2).
    /// </summary>
    private static Dictionary<string, ListMembers> IndexLists(Dictionary<string, string> values)
    {
        var lists = new Dictionary<string, ListMembers>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            for (var at = key.IndexOf(MemberSegment, StringComparison.Ordinal); at > 0;
                 at = key.IndexOf(MemberSegment, at + MemberSegment.Length, StringComparison.Ordinal))
            {
                var start = at + MemberSegment.Length;
                var end = key.IndexOf('.', start);
                if (!TryParseIndex(key.AsSpan(start, (end < 0 ? key.Length : end) - start), out var index))
                {
                    continue;
                }

                var prefix = key[..at];
                if (!lists.TryGetValue(prefix, out var members))
                {
                    lists[prefix] = members = new ListMembers();
                }

                if (end < 0)
                {
                    members.Scalars[index] = value;
                }
                else
                {
                    if (!members.Fields.TryGetValue(index, out var fields))
                    {
                        members.Fields[index] = fields = new Dictionary<string, string>(StringComparer.Ordinal);
                    }

                    fields[key[(end + 1)..]] = value;
                }
            }
        }

        return lists;
    }

    /// <summary>A member index as AWS writes it: a positive decimal without sign or leading zeros.</summary>
    private static bool TryParseIndex(ReadOnlySpan<char> text, out int index)
    {
        index = 0;
        return text.Length is > 0 and <= 9 && text[0] != '0' && text.IndexOfAnyExceptInRange('0', '9') < 0
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>The members of one list by index: scalar values and structure fields.</summary>
    private sealed class ListMembers
    {
        private int? _count;

        public Dictionary<int, string> Scalars { get; } = [];

        public Dictionary<int, Dictionary<string, string>> Fields { get; } = [];

        /// <summary>Members 1..N present without a gap (scalar or structure).</summary>
        public int Count => _count ??= CountContiguous();

        private int CountContiguous()
        {
            var count = 0;
            while (Scalars.ContainsKey(count + 1) || Fields.ContainsKey(count + 1))
            {
                count++;
            }

            return count;
        }
    }
}
