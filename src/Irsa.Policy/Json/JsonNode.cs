namespace Irsa.Policy.Json;

internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// A minimal JSON tree that keeps source positions and member order; policy validation needs both
/// (statement positions for the simulator, and duplicate-key detection that System.Text.Json lacks).
/// </summary>
internal sealed class JsonNode
{
    private static readonly List<KeyValuePair<string, JsonNode>> NoMembers = [];
    private static readonly List<JsonNode> NoItems = [];

    public JsonNode(JsonKind kind, SourcePosition start)
    {
        Kind = kind;
        Start = start;
    }

    public JsonKind Kind { get; }

    public SourcePosition Start { get; }

    /// <summary>The position just after the last character of the value.</summary>
    public SourcePosition End { get; set; }

    /// <summary>String contents, or the raw number text, or "true"/"false".</summary>
    public string Text { get; set; } = string.Empty;

    public List<KeyValuePair<string, JsonNode>> Members { get; set; } = NoMembers;

    public List<JsonNode> Items { get; set; } = NoItems;

    public bool IsScalar => Kind is JsonKind.String or JsonKind.Number or JsonKind.True or JsonKind.False;

    public JsonNode? Get(string name)
    {
        foreach (var member in Members)
        {
            if (string.Equals(member.Key, name, StringComparison.Ordinal))
            {
                return member.Value;
            }
        }

        return null;
    }
}
