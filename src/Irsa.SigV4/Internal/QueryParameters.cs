namespace Irsa.SigV4;

/// <summary>A raw query string split into parameters, each kept raw and decoded.</summary>
internal sealed class QueryParameters
{
    public static readonly QueryParameters Empty = new([]);

    private QueryParameters(List<(string RawName, string RawValue, string Name, string Value)> items) => Items = items;

    public List<(string RawName, string RawValue, string Name, string Value)> Items { get; }

    public static QueryParameters Parse(string rawQuery)
    {
        if (rawQuery.Length == 0)
        {
            return Empty;
        }

        var items = new List<(string, string, string, string)>();
        foreach (var range in rawQuery.AsSpan().Split('&'))
        {
            var part = rawQuery.AsSpan(range);
            if (part.IsEmpty)
            {
                continue;
            }

            // A parameter without '=' has an empty value ("uploads" canonicalises as "uploads=").
            var eq = part.IndexOf('=');
            var rawName = eq < 0 ? part : part[..eq];
            var rawValue = eq < 0 ? [] : part[(eq + 1)..];
            items.Add((rawName.ToString(), rawValue.ToString(), UriEncoding.Decode(rawName), UriEncoding.Decode(rawValue)));
        }

        return new QueryParameters(items);
    }

    public string? Get(string name)
    {
        foreach (var item in Items)
        {
            if (string.Equals(item.Name, name, StringComparison.Ordinal))
            {
                return item.Value;
            }
        }

        return null;
    }

    public bool Contains(string name) => Get(name) is not null;
}
