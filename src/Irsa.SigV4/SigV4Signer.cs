using System.Globalization;
using System.Text;

namespace Irsa.SigV4;

/// <summary>
/// Signs requests with AWS Signature Version 4, using the same canonicaliser as <see cref="SigV4Verifier"/>.
/// Used by the CLI to call the server and by tests.
/// </summary>
public static class SigV4Signer
{
    // Hop-by-hop or proxy-rewritten headers that SDKs never sign.
    private static readonly HashSet<string> Unsignable = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "connection", "transfer-encoding", "keep-alive",
        "proxy-authorization", "te", "upgrade",
    };

    /// <summary>Signs for header auth. Add <see cref="SigV4SignedRequest.HeadersToAdd"/> to the outgoing request.</summary>
    /// <param name="request">The request as it will be sent; must contain a <c>Host</c> header.</param>
    /// <param name="credentials">Access key, secret and optional session token.</param>
    /// <param name="region">Scope region, e.g. <c>us-east-1</c>.</param>
    /// <param name="service">Scope service, e.g. <c>sts</c>.</param>
    /// <param name="time">Signing time (take it from a <see cref="TimeProvider"/>).</param>
    /// <param name="options">Optional behaviour.</param>
    public static SigV4SignedRequest Sign(
        SigV4Request request, SigV4Credentials credentials, string region, string service, DateTimeOffset time, SigV4SigningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(service);
        options ??= new SigV4SigningOptions();
        var rules = options.Rules ?? SigV4VerifierOptions.DefaultServiceRules(service);
        var amzDate = AmzDate.Format(time);
        var payloadHash = options.PayloadHash ?? PayloadHashOf(request);

        var added = new List<KeyValuePair<string, string>> { new(SigV4Constants.AmzDateHeader, amzDate) };
        if (options.AddContentSha256Header ?? rules.RequireContentSha256Header)
        {
            added.Add(new(SigV4Constants.ContentSha256Header, payloadHash));
        }

        var unsignedToken = credentials.SessionToken is not null && !options.SignSessionToken;
        if (credentials.SessionToken is not null && options.SignSessionToken)
        {
            added.Add(new(SigV4Constants.SecurityTokenHeader, credentials.SessionToken));
        }

        var headers = request.Headers.Where(h => !IsReplaced(h.Key, added)).Concat(added).ToList();
        var signedHeaders = SignedHeaderList(headers, options);
        var toSign = new SigV4Request(request.Method, request.RawPath, request.RawQuery, headers, request.Payload);
        var (signature, canonical, stringToSign) = Compute(
            toSign, QueryParameters.Parse(request.RawQuery), credentials, region, service, amzDate, signedHeaders, payloadHash, rules, false);

        var authorization =
            $"{SigV4Constants.Algorithm} Credential={credentials.AccessKeyId}/{amzDate[..8]}/{region}/{service}/{SigV4Constants.Terminator}, SignedHeaders={signedHeaders}, Signature={signature}";
        if (unsignedToken)
        {
            added.Add(new(SigV4Constants.SecurityTokenHeader, credentials.SessionToken!));
        }

        added.Add(new(SigV4Constants.AuthorizationHeader, authorization));
        return new SigV4SignedRequest(added, authorization, signature, signedHeaders, canonical, stringToSign);
    }

    /// <summary>Signs for query auth (a presigned URL). Replace the request's query with <see cref="SigV4PresignedRequest.Query"/>.</summary>
    public static SigV4PresignedRequest Presign(
        SigV4Request request,
        SigV4Credentials credentials,
        string region,
        string service,
        DateTimeOffset time,
        TimeSpan expires,
        SigV4SigningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(service);
        var seconds = (long)expires.TotalSeconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1L, nameof(expires));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds, SigV4Constants.MaxExpiresSeconds, nameof(expires));
        options ??= new SigV4SigningOptions();
        var rules = options.Rules ?? SigV4VerifierOptions.DefaultServiceRules(service);
        var amzDate = AmzDate.Format(time);
        var payloadHash = options.PayloadHash ?? (rules.AllowUnsignedPayload ? SigV4Constants.UnsignedPayload : PayloadHashOf(request));
        var signedHeaders = SignedHeaderList(request.Headers, options);

        var query = new StringBuilder(request.RawQuery);
        void Add(string name, string value)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }

            query.Append(name).Append('=').Append(UriEncoding.Encode(value, decodeFirst: false));
        }

        Add(SigV4Constants.AlgorithmParameter, SigV4Constants.Algorithm);
        Add(SigV4Constants.CredentialParameter, $"{credentials.AccessKeyId}/{amzDate[..8]}/{region}/{service}/{SigV4Constants.Terminator}");
        Add(SigV4Constants.DateParameter, amzDate);
        Add(SigV4Constants.SignedHeadersParameter, signedHeaders);
        Add(SigV4Constants.ExpiresParameter, seconds.ToString(CultureInfo.InvariantCulture));
        if (credentials.SessionToken is not null && options.SignSessionToken)
        {
            Add(SigV4Constants.SecurityTokenParameter, credentials.SessionToken);
        }

        var unsignedQuery = query.ToString();
        var (signature, canonical, stringToSign) = Compute(
            request, QueryParameters.Parse(unsignedQuery), credentials, region, service, amzDate, signedHeaders, payloadHash, rules, true);
        if (credentials.SessionToken is not null && !options.SignSessionToken)
        {
            // Some clients append the token after signing; the verifier accepts both forms.
            Add(SigV4Constants.SecurityTokenParameter, credentials.SessionToken);
        }

        Add(SigV4Constants.SignatureParameter, signature);
        return new SigV4PresignedRequest(query.ToString(), signature, signedHeaders, canonical, stringToSign);
    }

    private static (string Signature, string Canonical, string StringToSign) Compute(
        SigV4Request request,
        QueryParameters query,
        SigV4Credentials credentials,
        string region,
        string service,
        string amzDate,
        string signedHeaders,
        string payloadHash,
        SigV4ServiceRules rules,
        bool presigned)
    {
        var buffer = new CharBuffer(1024);
        try
        {
            CanonicalRequest.Build(ref buffer, request, query, signedHeaders, payloadHash, rules.PathStyle, presigned);
            Span<char> hash = stackalloc char[64];
            SigV4Crypto.Sha256Hex(buffer.AsSpan(), hash);
            var scope = $"{amzDate[..8]}/{region}/{service}/{SigV4Constants.Terminator}";
            Span<char> stringToSign = stackalloc char[SigV4Crypto.StringToSignLength(amzDate, scope)];
            SigV4Crypto.WriteStringToSign(stringToSign, amzDate, scope, hash);
            Span<byte> key = stackalloc byte[SigV4Crypto.KeySize];
            SigV4Crypto.DeriveSigningKey(credentials.SecretAccessKey, amzDate[..8], region, service, key);
            Span<byte> signature = stackalloc byte[SigV4Crypto.KeySize];
            SigV4Crypto.HmacText(key, stringToSign, signature);
            return (Convert.ToHexStringLower(signature), buffer.ToString(), stringToSign.ToString());
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static string PayloadHashOf(SigV4Request request) => request.Payload.Source == SigV4PayloadSource.Deferred
        ? throw new InvalidOperationException("Signing needs the body or its SHA-256, or SigV4SigningOptions.PayloadHash.")
        : request.Payload.ComputeSha256Hex();

    private static bool IsReplaced(string name, List<KeyValuePair<string, string>> added) =>
        string.Equals(name, SigV4Constants.AuthorizationHeader, StringComparison.OrdinalIgnoreCase)
        || added.Exists(a => string.Equals(a.Key, name, StringComparison.OrdinalIgnoreCase));

    private static string SignedHeaderList(IEnumerable<KeyValuePair<string, string>> headers, SigV4SigningOptions options)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in headers)
        {
            var lower = name.ToLowerInvariant();
            if (Unsignable.Contains(lower) || (options.HeaderFilter is { } filter && lower != SigV4Constants.HostHeader && !filter(lower)))
            {
                continue;
            }

            names.Add(lower);
        }

        if (!names.Contains(SigV4Constants.HostHeader))
        {
            throw new ArgumentException("The request must carry a Host header to be signed.", nameof(headers));
        }

        return string.Join(';', names);
    }
}

/// <summary>Optional behaviour of <see cref="SigV4Signer"/>.</summary>
public sealed class SigV4SigningOptions
{
    /// <summary>Service rules; default chosen from the service name.</summary>
    public SigV4ServiceRules? Rules { get; init; }

    /// <summary>Send <c>X-Amz-Content-Sha256</c>; default: when the rules require it (S3).</summary>
    public bool? AddContentSha256Header { get; init; }

    /// <summary>Payload hash to sign instead of hashing the body (e.g. <c>UNSIGNED-PAYLOAD</c>).</summary>
    public string? PayloadHash { get; init; }

    /// <summary>Include <c>X-Amz-Security-Token</c> in the signed headers (SDKs do; default true).</summary>
    public bool SignSessionToken { get; init; } = true;

    /// <summary>Which of the request's headers to sign (lower-case name); <c>host</c> is always signed. Default: all but hop-by-hop ones.</summary>
    public Func<string, bool>? HeaderFilter { get; init; }
}

/// <summary>Result of <see cref="SigV4Signer.Sign"/>.</summary>
public sealed record SigV4SignedRequest(
    IReadOnlyList<KeyValuePair<string, string>> HeadersToAdd,
    string Authorization,
    string Signature,
    string SignedHeaders,
    string CanonicalRequest,
    string StringToSign);

/// <summary>Result of <see cref="SigV4Signer.Presign"/>: the full raw query to send, signature last.</summary>
public sealed record SigV4PresignedRequest(
    string Query,
    string Signature,
    string SignedHeaders,
    string CanonicalRequest,
    string StringToSign);
