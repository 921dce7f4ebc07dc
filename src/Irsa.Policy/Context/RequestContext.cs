namespace Irsa.Policy;

/// <summary>
/// One request to authorize: action, resource ARN, principal and context keys (case-insensitive names).
/// Immutable once built; create with <see cref="CreateBuilder"/>.
/// </summary>
public sealed class RequestContext
{
    private readonly Dictionary<string, ContextValue> _values;

    internal RequestContext(string action, string resource, RequestPrincipal principal, Dictionary<string, ContextValue> values)
    {
        Action = action;
        Resource = resource;
        Principal = principal;
        _values = values;
        ActionColon = action.IndexOf(':', StringComparison.Ordinal);
    }

    /// <summary>The action, for example <c>s3:GetObject</c>.</summary>
    public string Action { get; }

    /// <summary>The resource ARN, or <c>*</c> for actions without a resource.</summary>
    public string Resource { get; }

    public RequestPrincipal Principal { get; }

    public IReadOnlyDictionary<string, ContextValue> Values => _values;

    internal int ActionColon { get; }

    public static RequestContextBuilder CreateBuilder(string action, string resource) => new(action, resource);

    public bool TryGetValue(string key, out ContextValue value) => _values.TryGetValue(key, out value!);

    /// <summary>The value of a single-valued key with exactly one value (what policy variables may use).</summary>
    public bool TryGetSingleValue(string key, out string value)
    {
        if (_values.TryGetValue(key, out var v) && !v.IsMultiValued && v.Values.Count == 1)
        {
            value = v.Values[0];
            return true;
        }

        value = string.Empty;
        return false;
    }
}
