namespace Irsa.Policy;

/// <summary>
/// The value(s) of one request context key. Values are kept in their canonical string form; operators parse
/// them as they need. <see cref="IsMultiValued"/> is a property of the key (for example <c>aws:TagKeys</c>),
/// not of how many values it happens to carry.
/// </summary>
public sealed class ContextValue
{
    public ContextValue(ContextKeyType type, IReadOnlyList<string> values, bool isMultiValued)
    {
        ArgumentNullException.ThrowIfNull(values);
        Type = type;
        Values = values;
        IsMultiValued = isMultiValued;
    }

    public ContextKeyType Type { get; }

    public IReadOnlyList<string> Values { get; }

    public bool IsMultiValued { get; }
}
