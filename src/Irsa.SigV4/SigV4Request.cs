namespace Irsa.SigV4;

/// <summary>
/// A host-agnostic view of an HTTP request, exactly as it arrived on the wire, for SigV4 signing and verification.
/// </summary>
/// <remarks>
/// Pass the path and query undecoded (ASP.NET Core: <c>IHttpRequestFeature.RawTarget</c>); decoding first would
/// change what is signed. Headers are name/value pairs in arrival order; a header sent several times appears
/// several times. The <c>Host</c> header must carry <c>:port</c> when the client sent it.
/// </remarks>
public sealed class SigV4Request
{
    public SigV4Request(
        string method,
        string rawPath,
        string? rawQuery,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        SigV4Payload payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(rawPath);
        ArgumentNullException.ThrowIfNull(headers);
        Method = method;
        RawPath = rawPath.Length == 0 ? "/" : rawPath;
        RawQuery = string.IsNullOrEmpty(rawQuery) ? string.Empty : rawQuery[0] == '?' ? rawQuery[1..] : rawQuery;
        Headers = headers;
        Payload = payload;
    }

    /// <summary>HTTP method, e.g. <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>The path as sent (percent-encoded as the client encoded it), without the query.</summary>
    public string RawPath { get; }

    /// <summary>The query string as sent, without the leading <c>?</c>; empty when absent.</summary>
    public string RawQuery { get; }

    /// <summary>Request headers as name/value pairs; repeated names are allowed.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body, its SHA-256, or a promise that the caller checks the body itself.</summary>
    public SigV4Payload Payload { get; }

    /// <summary>Returns the first value of a header (case-insensitive name), or null.</summary>
    public string? GetHeader(string name)
    {
        var headers = Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return headers[i].Value;
            }
        }

        return null;
    }
}
