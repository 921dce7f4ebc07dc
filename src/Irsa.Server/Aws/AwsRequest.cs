using System.Net;
using Irsa.Core.Query;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Irsa.Server.Aws;

/// <summary>
/// One AWS call as the pipeline sees it, adapted from HTTP once: the raw target and headers SigV4 signs, the bounded
/// body, the transport facts audit and <c>aws:*</c> condition keys need, and the request id.
/// </summary>
public sealed class AwsRequest
{
    private const string CredentialPrefix = "Credential=";
    private QueryParameters? _query;

    public required string Method { get; init; }

    /// <summary>The path as sent (still percent-encoded), as SigV4 signs it and REST routes match it.</summary>
    public required string RawPath { get; init; }

    /// <summary>The query string as sent, without <c>?</c>.</summary>
    public required string RawQuery { get; init; }

    public required IReadOnlyList<KeyValuePair<string, IEnumerable<string?>>> Headers { get; init; }

    public string? ContentType { get; init; }

    /// <summary>The body, read up to the operation's limit; empty when it was refused as too large, and for rows that
    /// stream their own body (S3).</summary>
    public byte[] Body
    {
        get;
        internal set
        {
            field = value;
            _query = null;
        }
    } = [];

    public IPAddress? SourceIp { get; init; }

    public string? UserAgent { get; init; }

    public bool IsTls { get; init; }

    public required string RequestId { get; init; }

    public required DateTimeOffset EventTime { get; init; }

    /// <summary>Whether the request carries SigV4 at all (header or presigned query).</summary>
    public bool IsSigned => Header("Authorization")?.StartsWith("AWS4-", StringComparison.Ordinal) == true
        || Query.Has("X-Amz-Algorithm") || Query.Has("X-Amz-Credential");

    /// <summary>The (not yet verified) SigV4 credential, <c>AKID/date/region/service/aws4_request</c>, or <c>null</c>.</summary>
    public string? Credential
    {
        get
        {
            var header = Header("Authorization") ?? string.Empty;
            if (!header.StartsWith("AWS4-", StringComparison.Ordinal))
            {
                return Query.Get("X-Amz-Credential");
            }

            // The first space- or comma-separated piece that starts "Credential=".
            foreach (var range in header.AsSpan().SplitAny(' ', ','))
            {
                if (header.AsSpan(range).StartsWith(CredentialPrefix, StringComparison.Ordinal))
                {
                    return header[(range.Start.Value + CredentialPrefix.Length)..range.End];
                }
            }

            return null;
        }
    }

    /// <summary>The service of the credential scope; it only routes the request, SigV4 then verifies it.</summary>
    public string? ScopeService
    {
        get
        {
            // The fourth of exactly five '/'-separated parts (AKID/date/region/service/aws4_request); a sixth range means more.
            Span<Range> parts = stackalloc Range[6];
            return Credential is { } credential && credential.AsSpan().Split(parts, '/') == 5 ? credential[parts[3]] : null;
        }
    }

    /// <summary>awsQuery parameters: the form body (when form-encoded) then the query string.</summary>
    public QueryParameters Query => _query ??= ParseQuery();

    public string? Header(string name)
    {
        foreach (var (key, values) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                // StringValues joins its values with "," itself, without an enumerator.
                return values is StringValues sent ? sent.ToString() : string.Join(",", values);
            }
        }

        return null;
    }

    /// <summary>The <c>Host</c> header as sent (with <c>:port</c> when the client sent one).</summary>
    public string Host { get; init; } = string.Empty;

    /// <summary>The HTTP adaptation, done once at the top of the pipeline (the body is attached once read).</summary>
    public static AwsRequest From(HttpContext context, string requestId, DateTimeOffset now)
    {
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var ip = context.Connection.RemoteIpAddress;
        return new AwsRequest
        {
            Method = context.Request.Method,
            RawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart],
            RawQuery = queryStart < 0 ? string.Empty : rawTarget[(queryStart + 1)..],
            Headers = [.. context.Request.Headers.Select(h => KeyValuePair.Create(h.Key, (IEnumerable<string?>)h.Value))],
            ContentType = context.Request.ContentType,
            Host = context.Request.Headers.Host.ToString(),
            SourceIp = ip is not null && ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip,
            UserAgent = context.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null,
            IsTls = context.Request.IsHttps,
            RequestId = requestId,
            EventTime = now,
        };
    }

    private QueryParameters ParseQuery()
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            Add(pairs, System.Text.Encoding.UTF8.GetString(Body));
        }

        Add(pairs, RawQuery);
        return new QueryParameters(pairs);
    }

    private static void Add(List<KeyValuePair<string, string>> pairs, string encoded)
    {
        foreach (var (key, values) in QueryHelpers.ParseQuery(encoded))
        {
            pairs.Add(KeyValuePair.Create(key, values.ToString()));
        }
    }
}
