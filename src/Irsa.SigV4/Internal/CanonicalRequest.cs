using System.Buffers;

namespace Irsa.SigV4;

/// <summary>Writes the SigV4 canonical request. Shared by the verifier and the signer so both agree byte for byte.</summary>
internal static class CanonicalRequest
{
    public static void Build(
        ref CharBuffer buffer,
        SigV4Request request,
        QueryParameters query,
        ReadOnlySpan<char> signedHeaders,
        ReadOnlySpan<char> payloadHash,
        SigV4PathStyle pathStyle,
        bool excludeSignatureParameter,
        bool excludeSecurityToken = false)
    {
        buffer.Append(request.Method);
        buffer.Append('\n');
        AppendUri(ref buffer, request.RawPath, pathStyle);
        buffer.Append('\n');
        AppendQuery(ref buffer, query, excludeSignatureParameter, excludeSecurityToken);
        buffer.Append('\n');

        foreach (var range in signedHeaders.Split(';'))
        {
            var name = signedHeaders[range];
            if (name.IsEmpty)
            {
                continue;
            }

            AppendLower(ref buffer, name);
            buffer.Append(':');
            AppendHeaderValues(ref buffer, request.Headers, name);
            buffer.Append('\n');
        }

        buffer.Append('\n');
        AppendLower(ref buffer, signedHeaders);
        buffer.Append('\n');
        buffer.Append(payloadHash);
    }

    private static void AppendUri(ref CharBuffer buffer, string rawPath, SigV4PathStyle pathStyle)
    {
        if (pathStyle == SigV4PathStyle.S3)
        {
            UriEncoding.Append(ref buffer, rawPath, decodeFirst: true, keepSlash: true);
            return;
        }

        // Every other service: normalise, then encode the wire form again ("double encoding").
        UriEncoding.Append(ref buffer, NormalizePath(rawPath), decodeFirst: false, keepSlash: true);
    }

    internal static string NormalizePath(string path)
    {
        if (!NeedsNormalization(path))
        {
            return path;
        }

        var kept = new List<string>();
        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan(range);
            if (segment.IsEmpty || segment is ".")
            {
                continue;
            }

            if (segment is "..")
            {
                if (kept.Count > 0)
                {
                    kept.RemoveAt(kept.Count - 1);
                }

                continue;
            }

            kept.Add(segment.ToString());
        }

        if (kept.Count == 0)
        {
            return "/";
        }

        var trailing = path.EndsWith('/') ? "/" : string.Empty;
        return "/" + string.Join('/', kept) + trailing;
    }

    private static bool NeedsNormalization(string path) =>
        path.Length == 0 || path[0] != '/'
        || path.Contains("//", StringComparison.Ordinal)
        || path.Contains("/./", StringComparison.Ordinal)
        || path.Contains("/../", StringComparison.Ordinal)
        || path.EndsWith("/.", StringComparison.Ordinal)
        || path.EndsWith("/..", StringComparison.Ordinal);

    private static void AppendQuery(ref CharBuffer buffer, QueryParameters query, bool excludeSignatureParameter, bool excludeSecurityToken)
    {
        var items = query.Items;
        if (items.Count == 0)
        {
            return;
        }

        var encoded = new List<(string Name, string Value)>(items.Count);
        foreach (var item in items)
        {
            if ((excludeSignatureParameter && item.Name == SigV4Constants.SignatureParameter)
                || (excludeSecurityToken && item.Name == SigV4Constants.SecurityTokenParameter))
            {
                continue;
            }

            encoded.Add((UriEncoding.Encode(item.RawName, decodeFirst: true), UriEncoding.Encode(item.RawValue, decodeFirst: true)));
        }

        // Sort by encoded name, then encoded value, in byte (ordinal) order.
        encoded.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });

        for (var i = 0; i < encoded.Count; i++)
        {
            if (i > 0)
            {
                buffer.Append('&');
            }

            buffer.Append(encoded[i].Name);
            buffer.Append('=');
            buffer.Append(encoded[i].Value);
        }
    }

    private static void AppendHeaderValues(ref CharBuffer buffer, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlySpan<char> name)
    {
        var first = true;
        for (var i = 0; i < headers.Count; i++)
        {
            if (!name.Equals(headers[i].Key, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!first)
            {
                buffer.Append(',');
            }

            first = false;
            AppendTrimmedCollapsed(ref buffer, headers[i].Value);
        }
    }

    private const string Whitespace = " \t\r\n";
    private static readonly SearchValues<char> WhitespaceValues = SearchValues.Create(Whitespace);

    // Trim, and collapse each run of whitespace (including folded line breaks) to one space. Runs between whitespace are
    // copied whole: header values (a session token is over a kilobyte) rarely contain any.
    internal static void AppendTrimmedCollapsed(ref CharBuffer buffer, ReadOnlySpan<char> value)
    {
        value = value.Trim(Whitespace);
        int space;
        while ((space = value.IndexOfAny(WhitespaceValues)) >= 0)
        {
            buffer.Append(value[..space]);
            buffer.Append(' ');
            value = value[space..].TrimStart(Whitespace); // never empty: the value ends in a non-space
        }

        buffer.Append(value);
    }

    private static void AppendLower(ref CharBuffer buffer, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            buffer.Append(char.ToLowerInvariant(c));
        }
    }
}
