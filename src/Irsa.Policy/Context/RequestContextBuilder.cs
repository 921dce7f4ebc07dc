using System.Globalization;
using System.Net;

namespace Irsa.Policy;

/// <summary>Collects context keys for a <see cref="RequestContext"/>. Later values replace earlier ones.</summary>
public sealed class RequestContextBuilder
{
    private readonly string _action;
    private readonly string _resource;
    private readonly Dictionary<string, ContextValue> _values = new(StringComparer.OrdinalIgnoreCase);
    private RequestPrincipal _principal = RequestPrincipal.Anonymous;

    internal RequestContextBuilder(string action, string resource)
    {
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        _action = action;
        _resource = resource;
    }

    public RequestContextBuilder WithPrincipal(RequestPrincipal principal)
    {
        _principal = principal ?? throw new ArgumentNullException(nameof(principal));
        return this;
    }

    /// <summary>Sets <c>aws:CurrentTime</c> and <c>aws:EpochTime</c>; pass <c>TimeProvider.GetUtcNow()</c>.</summary>
    public RequestContextBuilder WithCurrentTime(DateTimeOffset now)
    {
        Add("aws:CurrentTime", now);
        Add("aws:EpochTime", now.ToUnixTimeSeconds());
        return this;
    }

    public RequestContextBuilder Add(string key, string value) => Set(key, ContextKeyType.String, value);

    public RequestContextBuilder Add(string key, bool value) => Set(key, ContextKeyType.Boolean, value ? "true" : "false");

    public RequestContextBuilder Add(string key, long value) => Set(key, ContextKeyType.Numeric, value.ToString(CultureInfo.InvariantCulture));

    public RequestContextBuilder Add(string key, decimal value) => Set(key, ContextKeyType.Numeric, value.ToString(CultureInfo.InvariantCulture));

    public RequestContextBuilder Add(string key, DateTimeOffset value) =>
        Set(key, ContextKeyType.Date, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    public RequestContextBuilder Add(string key, IPAddress value) =>
        Set(key, ContextKeyType.Ip, (value ?? throw new ArgumentNullException(nameof(value))).ToString());

    public RequestContextBuilder AddBinary(string key, ReadOnlySpan<byte> value) => Set(key, ContextKeyType.Binary, Convert.ToBase64String(value));

    public RequestContextBuilder AddArn(string key, string arn) => Set(key, ContextKeyType.Arn, arn);

    /// <summary>Sets a single-valued key of any type from its string form.</summary>
    public RequestContextBuilder Set(string key, ContextKeyType type, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _values[key] = new ContextValue(type, [value], isMultiValued: false);
        return this;
    }

    /// <summary>Sets a multivalued key (for example <c>aws:TagKeys</c>); an empty list is allowed.</summary>
    public RequestContextBuilder SetList(string key, IEnumerable<string> values, ContextKeyType type = ContextKeyType.String)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(values);
        _values[key] = new ContextValue(type, values.ToArray(), isMultiValued: true);
        return this;
    }

    public RequestContextBuilder Remove(string key)
    {
        _values.Remove(key);
        return this;
    }

    public RequestContext Build() =>
        new(_action, _resource, _principal, new Dictionary<string, ContextValue>(_values, StringComparer.OrdinalIgnoreCase));
}
