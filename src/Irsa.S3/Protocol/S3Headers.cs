namespace Irsa.S3.Protocol;

/// <summary>HTTP headers as an ordered name/value list with case-insensitive lookup (names keep their spelling).</summary>
public sealed class S3Headers
{
    private readonly List<KeyValuePair<string, string>> _entries;

    public S3Headers(IEnumerable<KeyValuePair<string, string>> entries) => _entries = [.. entries];

    public static S3Headers Empty { get; } = new([]);

    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    /// <summary>The first value of <paramref name="name"/>, or null when absent.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var entry in _entries)
            {
                if (string.Equals(entry.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return entry.Value;
                }
            }

            return null;
        }
    }

    public bool Contains(string name) => this[name] is not null;

    /// <summary>Every header whose name starts with <paramref name="prefix"/> (case-insensitive), in order.</summary>
    public IEnumerable<KeyValuePair<string, string>> WithPrefix(string prefix) =>
        _entries.Where(e => e.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
