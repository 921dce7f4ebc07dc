using System.Globalization;
using System.Security.Cryptography;
using Irsa.SigV4.Streaming;

namespace Irsa.SigV4;

/// <summary>
/// Verifies AWS Signature Version 4 (header auth and presigned URLs) over a host-agnostic <see cref="SigV4Request"/>.
/// Thread-safe; create one per process and share it (it owns the signing-key cache).
/// </summary>
/// <remarks>
/// Order of checks: parse (IncompleteSignature), scope consistency, time window, payload hash, key lookup,
/// signature. The time window is checked before the resolver runs so stale requests never reach the key store.
/// </remarks>
public sealed class SigV4Verifier
{
    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private readonly SigV4VerifierOptions _options;
    private readonly TimeProvider _time;
    private readonly SigningKeyCache _keys;

    public SigV4Verifier(TimeProvider timeProvider, SigV4VerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _options = options ?? new SigV4VerifierOptions();
        _keys = new SigningKeyCache(_options.SigningKeyCacheCapacity);
    }

    /// <summary>Verifies <paramref name="request"/>.</summary>
    /// <param name="request">The request as received.</param>
    /// <param name="resolver">Maps the access key id to its secret (and optionally the session token it requires).</param>
    /// <param name="unscopedDialect">Error vocabulary for failures found before the credential scope is known
    /// (missing or unparsable authentication); pick S3 on an S3 endpoint.</param>
    /// <param name="cancellationToken">Passed to <paramref name="resolver"/>.</param>
    public async ValueTask<SigV4Result> VerifyAsync(
        SigV4Request request,
        SigV4KeyResolver resolver,
        SigV4ErrorDialect unscopedDialect = SigV4ErrorDialect.Query,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(resolver);

        var query = QueryParameters.Parse(request.RawQuery);
        var parsed = Parse(request, query, unscopedDialect);
        if (parsed.Error is not null)
        {
            return SigV4Result.Failure(parsed.Error);
        }

        var auth = parsed.Auth!;
        var rules = auth.Rules;
        var dialect = rules.ErrorDialect;
        var resolution = await resolver(new SigV4KeyRequest(auth.Scope, auth.SessionToken, auth.Location), cancellationToken).ConfigureAwait(false);
        var failure = resolution.Status switch
        {
            SigV4KeyResolutionStatus.Found => null,
            SigV4KeyResolutionStatus.NotFound => SigV4Errors.UnknownAccessKey(dialect, auth.Scope.AccessKeyId),
            SigV4KeyResolutionStatus.Expired => SigV4Errors.ExpiredToken(dialect),
            SigV4KeyResolutionStatus.InvalidToken => SigV4Errors.InvalidSessionToken(dialect),
            _ => resolution.Error ?? SigV4Errors.UnknownAccessKey(dialect, auth.Scope.AccessKeyId),
        };
        if (failure is not null)
        {
            return SigV4Result.Failure(failure);
        }

        if (resolution.ExpectedSessionToken is { } expected && !TokensEqual(expected, auth.SessionToken))
        {
            return SigV4Result.Failure(SigV4Errors.InvalidSessionToken(dialect));
        }

        var mismatch = CheckSignature(request, query, auth, resolution.SecretAccessKey!);
        if (mismatch is not null)
        {
            return SigV4Result.Failure(mismatch);
        }

        return SigV4Result.Success(new SigV4Identity
        {
            StreamingContext = StreamingContextOf(auth, resolution.SecretAccessKey!),
            Scope = auth.Scope,
            Location = auth.Location,
            SignedHeaders = auth.SignedHeaders.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(h => h.ToLowerInvariant()).ToArray(),
            SessionToken = auth.SessionToken,
            Principal = resolution.Principal,
            RequestTime = auth.RequestTime,
            Expires = auth.ExpiresSeconds is { } e ? TimeSpan.FromSeconds(e) : null,
            PayloadHash = auth.PayloadHash,
            PayloadSigning = auth.PayloadSigning,
            Signature = auth.Signature.ToLowerInvariant(),
        });
    }

    private SigV4StreamingContext? StreamingContextOf(ParsedAuth auth, string secret)
    {
        if (!SigV4StreamingContext.TryGetMode(auth.PayloadHash, out var mode))
        {
            return null;
        }

        // The context outlives this call, so the key gets its own array (from the cache: no second derivation).
        var signingKey = new byte[SigV4Crypto.KeySize];
        _keys.GetSigningKey(secret, auth.Scope.Date, auth.Scope.Region, auth.Scope.Service, signingKey);
        return new SigV4StreamingContext(
            mode, auth.Scope, auth.AmzDate, auth.Signature.ToLowerInvariant(), signingKey, auth.DecodedContentLength, auth.DeclaredTrailers);
    }

    private SigV4Error? CheckSignature(SigV4Request request, QueryParameters query, ParsedAuth auth, string secret)
    {
        Span<byte> signingKey = stackalloc byte[SigV4Crypto.KeySize];
        _keys.GetSigningKey(secret, auth.Scope.Date, auth.Scope.Region, auth.Scope.Service, signingKey);
        try
        {
            Span<byte> provided = stackalloc byte[SigV4Crypto.KeySize];
            var wellFormed = auth.Signature.Length == 64
                && Convert.FromHexString(auth.Signature, provided, out _, out var written) == System.Buffers.OperationStatus.Done
                && written == SigV4Crypto.KeySize;

            if (Matches(request, query, auth, signingKey, provided, wellFormed, excludeToken: false, out var mismatch))
            {
                return null;
            }

            // Some clients append X-Amz-Security-Token to a presigned URL after signing it; accept that form too.
            if (auth.Location == SigV4AuthLocation.Query && auth.SessionToken is not null
                && query.Contains(SigV4Constants.SecurityTokenParameter)
                && Matches(request, query, auth, signingKey, provided, wellFormed, excludeToken: true, out _))
            {
                return null;
            }

            return mismatch;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(signingKey);
        }
    }

    private static bool Matches(
        SigV4Request request,
        QueryParameters query,
        ParsedAuth auth,
        ReadOnlySpan<byte> signingKey,
        ReadOnlySpan<byte> provided,
        bool wellFormed,
        bool excludeToken,
        out SigV4Error? mismatch)
    {
        var canonical = new CharBuffer(1024);
        try
        {
            CanonicalRequest.Build(
                ref canonical, request, query, auth.SignedHeaders, auth.PayloadHash, auth.Rules.PathStyle,
                excludeSignatureParameter: auth.Location == SigV4AuthLocation.Query, excludeToken);

            Span<char> canonicalHash = stackalloc char[64];
            SigV4Crypto.Sha256Hex(canonical.AsSpan(), canonicalHash);

            var scope = auth.Scope.ScopeString;
            Span<char> stringToSign = stackalloc char[SigV4Crypto.StringToSignLength(auth.AmzDate, scope)];
            SigV4Crypto.WriteStringToSign(stringToSign, auth.AmzDate, scope, canonicalHash);

            Span<byte> computed = stackalloc byte[SigV4Crypto.KeySize];
            SigV4Crypto.HmacText(signingKey, stringToSign, computed);
            if (wellFormed && CryptographicOperations.FixedTimeEquals(computed, provided))
            {
                mismatch = null;
                return true;
            }

            // Only the failure path pays for these strings.
            mismatch = SigV4Errors.SignatureMismatch(
                auth.Rules.ErrorDialect, auth.Scope.AccessKeyId, stringToSign.ToString(), auth.Signature, canonical.ToString());
            return false;
        }
        finally
        {
            canonical.Dispose();
        }
    }

    private (ParsedAuth? Auth, SigV4Error? Error) Parse(SigV4Request request, QueryParameters query, SigV4ErrorDialect unscoped)
    {
        var header = request.GetHeader(SigV4Constants.AuthorizationHeader);
        var presigned = query.Contains(SigV4Constants.AlgorithmParameter)
            || query.Contains(SigV4Constants.CredentialParameter)
            || query.Contains(SigV4Constants.SignatureParameter);

        if (header is not null && presigned)
        {
            return (null, SigV4Errors.BothMechanisms(unscoped));
        }

        if (header is null && !presigned)
        {
            return (null, SigV4Errors.MissingAuthentication(unscoped));
        }

        return header is not null ? ParseHeader(request, header, unscoped) : ParseQuery(request, query, unscoped);
    }

    private (ParsedAuth?, SigV4Error?) ParseHeader(SigV4Request request, string header, SigV4ErrorDialect unscoped)
    {
        var value = header.AsSpan().Trim();
        var space = value.IndexOfAny(' ', '\t');
        var algorithm = space < 0 ? value : value[..space];
        var hasDate = TryGetHeaderDate(request, out var amzDate, out var requestTime);
        if (!algorithm.SequenceEqual(SigV4Constants.Algorithm))
        {
            return algorithm.StartsWith("AWS4-", StringComparison.Ordinal)
                ? (null, SigV4Errors.UnsupportedAlgorithm(unscoped, algorithm.ToString()))
                : (null, SigV4Errors.HeaderMissingComponents(unscoped, header, true, true, true, !hasDate));
        }

        string? credential = null, signedHeaders = null, signature = null;
        var rest = space < 0 ? [] : value[(space + 1)..];

        // AWS splits the parameters on commas and whitespace; each piece must be key=value.
        foreach (var range in rest.SplitAny(", \t"))
        {
            var pair = rest[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            if (eq < 0)
            {
                return (null, SigV4Errors.MissingEqualSign(unscoped, pair.ToString(), header));
            }

            var key = pair[..eq];
            var item = pair[(eq + 1)..].ToString();
            if (key.SequenceEqual("Credential"))
            {
                credential = item;
            }
            else if (key.SequenceEqual("SignedHeaders"))
            {
                signedHeaders = item;
            }
            else if (key.SequenceEqual("Signature"))
            {
                signature = item;
            }
        }

        if (string.IsNullOrEmpty(credential) || string.IsNullOrEmpty(signedHeaders) || string.IsNullOrEmpty(signature) || !hasDate)
        {
            return (null, SigV4Errors.HeaderMissingComponents(
                unscoped, header, string.IsNullOrEmpty(credential), string.IsNullOrEmpty(signature), string.IsNullOrEmpty(signedHeaders), !hasDate));
        }

        var token = request.GetHeader(SigV4Constants.SecurityTokenHeader);
        return Complete(request, SigV4AuthLocation.Header, unscoped, credential, signedHeaders, signature, amzDate!, requestTime, null, token, request.GetHeader(SigV4Constants.ContentSha256Header));
    }

    private (ParsedAuth?, SigV4Error?) ParseQuery(SigV4Request request, QueryParameters query, SigV4ErrorDialect unscoped)
    {
        var algorithm = query.Get(SigV4Constants.AlgorithmParameter);
        var credential = query.Get(SigV4Constants.CredentialParameter);
        var signature = query.Get(SigV4Constants.SignatureParameter);
        var date = query.Get(SigV4Constants.DateParameter);
        var signedHeaders = query.Get(SigV4Constants.SignedHeadersParameter);
        var expires = query.Get(SigV4Constants.ExpiresParameter);

        List<string>? missing = null;
        void Require(string? v, string name)
        {
            if (string.IsNullOrEmpty(v))
            {
                (missing ??= []).Add(name);
            }
        }

        Require(algorithm, SigV4Constants.AlgorithmParameter);
        Require(credential, SigV4Constants.CredentialParameter);
        Require(signature, SigV4Constants.SignatureParameter);
        Require(date, SigV4Constants.DateParameter);
        Require(signedHeaders, SigV4Constants.SignedHeadersParameter);
        Require(expires, SigV4Constants.ExpiresParameter);
        if (missing is not null)
        {
            return (null, SigV4Errors.MissingQueryParameters(unscoped, missing));
        }

        if (algorithm != SigV4Constants.Algorithm)
        {
            return (null, SigV4Errors.UnsupportedAlgorithm(unscoped, algorithm!));
        }

        // The credential already names the service, so an S3 URL gets S3's answer even on a shared endpoint.
        var expiresDialect = DialectOfCredential(credential!, unscoped);
        if (!long.TryParse(expires, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expiresSeconds))
        {
            return (null, SigV4Errors.InvalidExpires(expiresDialect, "X-Amz-Expires should be a number"));
        }

        if (expiresSeconds < 0)
        {
            return (null, SigV4Errors.InvalidExpires(expiresDialect, "X-Amz-Expires must be non-negative"));
        }

        if (expiresSeconds == 0)
        {
            return (null, SigV4Errors.InvalidExpires(expiresDialect, "X-Amz-Expires must be greater than 0"));
        }

        if (expiresSeconds > SigV4Constants.MaxExpiresSeconds)
        {
            return (null, SigV4Errors.InvalidExpires(expiresDialect, "X-Amz-Expires must be less than a week (in seconds) that is; 604800"));
        }

        if (!AmzDate.TryParseAmz(date, out var requestTime))
        {
            return (null, SigV4Errors.MissingQueryParameters(unscoped, [SigV4Constants.DateParameter]));
        }

        var token = query.Get(SigV4Constants.SecurityTokenParameter) ?? request.GetHeader(SigV4Constants.SecurityTokenHeader);
        var declared = request.GetHeader(SigV4Constants.ContentSha256Header) ?? query.Get(SigV4Constants.ContentSha256Parameter);
        return Complete(request, SigV4AuthLocation.Query, unscoped, credential!, signedHeaders!, signature!, date!, requestTime, (int)expiresSeconds, token, declared);
    }

    private (ParsedAuth?, SigV4Error?) Complete(
        SigV4Request request,
        SigV4AuthLocation location,
        SigV4ErrorDialect unscoped,
        string credential,
        string signedHeaders,
        string signature,
        string amzDate,
        DateTimeOffset requestTime,
        int? expiresSeconds,
        string? sessionToken,
        string? declaredPayloadHash)
    {
        var parts = credential.Split('/');
        if (parts.Length != 5 || Array.IndexOf(parts, string.Empty, 0, 4) >= 0)
        {
            return (null, SigV4Errors.MalformedCredential(unscoped, location, credential));
        }

        var scope = new SigV4CredentialScope(parts[0], parts[1], parts[2], parts[3]);
        var rules = _options.ServiceRules(scope.Service);
        var dialect = rules.ErrorDialect;
        if (parts[4] != SigV4Constants.Terminator)
        {
            return (null, SigV4Errors.BadTerminator(dialect, location, parts[4]));
        }

        if (!amzDate.AsSpan(0, 8).SequenceEqual(scope.Date))
        {
            return (null, SigV4Errors.ScopeDateMismatch(dialect, location, scope.Date, amzDate));
        }

        if (!ContainsHeader(signedHeaders, SigV4Constants.HostHeader))
        {
            return (null, SigV4Errors.HostNotSigned(dialect));
        }

        // Presigned URLs too: a header the URL's author did not sign must not ride along (js#3906).
        if (rules.RequireAmzHeadersSigned)
        {
            var unsigned = request.Headers
                .Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase) && !ContainsHeader(signedHeaders, h.Key))
                .Select(h => h.Key.ToLowerInvariant())
                .Distinct()
                .ToList();
            if (unsigned.Count > 0)
            {
                return (null, SigV4Errors.UnsignedAmzHeaders(unsigned));
            }
        }

        var timeError = CheckTime(location, dialect, requestTime, expiresSeconds);
        if (timeError is not null)
        {
            return (null, timeError);
        }

        var (payloadHash, payloadSigning, payloadError) = ResolvePayloadHash(request, rules, location, declaredPayloadHash);
        if (payloadError is not null)
        {
            return (null, payloadError);
        }

        long? decodedContentLength = null;
        IReadOnlyList<string> declaredTrailers = [];
        if (payloadSigning == SigV4PayloadSigning.Streaming)
        {
            var decoded = request.GetHeader(SigV4Constants.DecodedContentLengthHeader)?.Trim();
            if (decoded is not null)
            {
                if (!long.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                {
                    return (null, SigV4Errors.InvalidDecodedContentLength(decoded));
                }

                decodedContentLength = length;
            }

            declaredTrailers = ParseTrailerNames(request.GetHeader(SigV4Constants.TrailerHeader));
        }

        return (new ParsedAuth(
            location, scope, rules, signedHeaders, signature, amzDate, requestTime, expiresSeconds,
            string.IsNullOrEmpty(sessionToken) ? null : sessionToken, payloadHash!, payloadSigning,
            decodedContentLength, declaredTrailers), null);
    }

    private SigV4Error? CheckTime(SigV4AuthLocation location, SigV4ErrorDialect dialect, DateTimeOffset requestTime, int? expiresSeconds)
    {
        var now = _time.GetUtcNow();
        var skew = _options.AllowedClockSkew;
        if (location == SigV4AuthLocation.Header)
        {
            if (requestTime < now - skew)
            {
                return SigV4Errors.TooOld(dialect, requestTime, now, skew);
            }

            return requestTime > now + skew ? SigV4Errors.TooNew(dialect, requestTime, now, skew) : null;
        }

        if (requestTime > now + skew)
        {
            return SigV4Errors.PresignNotYetValid(dialect, requestTime, now, skew);
        }

        var validity = _options.PresignedValidity ?? TimeSpan.FromSeconds(expiresSeconds!.Value);
        return now > requestTime + validity
            ? SigV4Errors.PresignExpired(dialect, requestTime, (int)validity.TotalSeconds, now)
            : null;
    }

    private static (string? Hash, SigV4PayloadSigning Signing, SigV4Error? Error) ResolvePayloadHash(
        SigV4Request request, SigV4ServiceRules rules, SigV4AuthLocation location, string? declared)
    {
        declared = declared?.Trim();
        if (string.IsNullOrEmpty(declared))
        {
            declared = null;
        }

        if (declared is null && rules.RequireContentSha256Header && location == SigV4AuthLocation.Header)
        {
            return (null, default, SigV4Errors.ContentSha256Missing());
        }

        if (rules.AllowUnsignedPayload)
        {
            if (declared is null && location == SigV4AuthLocation.Query)
            {
                return (SigV4Constants.UnsignedPayload, SigV4PayloadSigning.Unsigned, null);
            }

            if (declared == SigV4Constants.UnsignedPayload)
            {
                return (declared, SigV4PayloadSigning.Unsigned, null);
            }

            if (declared is SigV4Constants.StreamingPayload or SigV4Constants.StreamingPayloadTrailer or SigV4Constants.StreamingUnsignedPayloadTrailer)
            {
                return (declared, SigV4PayloadSigning.Streaming, null);
            }

            if (declared is not null && (declared.Length != 64 || declared.AsSpan().ContainsAnyExcept(HexDigits)))
            {
                return (null, default, SigV4Errors.ContentSha256Invalid());
            }
        }

        if (request.Payload.Source == SigV4PayloadSource.Deferred)
        {
            if (declared is null)
            {
                throw new InvalidOperationException(
                    "SigV4Payload.Deferred requires an x-amz-content-sha256 declaration; supply the body or its hash.");
            }

            return (declared.ToLowerInvariant(), SigV4PayloadSigning.DeclaredNotChecked, null);
        }

        var computed = request.Payload.ComputeSha256Hex();
        if (rules.AllowUnsignedPayload && declared is not null && !string.Equals(declared, computed, StringComparison.OrdinalIgnoreCase))
        {
            return (null, default, SigV4Errors.ContentSha256Mismatch(declared, computed));
        }

        // Other services hash the body themselves; a wrong declared header then simply fails the signature.
        return (computed, SigV4PayloadSigning.Signed, null);
    }

    private static bool TryGetHeaderDate(SigV4Request request, out string? amzDate, out DateTimeOffset time)
    {
        var value = request.GetHeader(SigV4Constants.AmzDateHeader);
        if (value is not null)
        {
            amzDate = value.Trim();
            return AmzDate.TryParseAmz(amzDate, out time);
        }

        if (AmzDate.TryParseHttpDate(request.GetHeader(SigV4Constants.DateHeader)?.Trim(), out time))
        {
            amzDate = AmzDate.Format(time);
            return true;
        }

        amzDate = null;
        return false;
    }

    private SigV4ErrorDialect DialectOfCredential(string credential, SigV4ErrorDialect fallback)
    {
        var parts = credential.Split('/');
        return parts.Length == 5 && parts[3].Length > 0 ? _options.ServiceRules(parts[3]).ErrorDialect : fallback;
    }

    private static string[] ParseTrailerNames(string? header) => header is null
        ? []
        : header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant())
            .ToArray();

    private static bool ContainsHeader(string signedHeaders, string name)
    {
        foreach (var range in signedHeaders.AsSpan().Split(';'))
        {
            if (signedHeaders.AsSpan(range).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TokensEqual(string expected, string? presented)
    {
        if (presented is null)
        {
            return false;
        }

        // A resolver that matched the presented token hands that very string back: nothing left to compare.
        if (ReferenceEquals(expected, presented))
        {
            return true;
        }

        // Compare hashes so the comparison time does not depend on where the strings differ or on their lengths.
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(expected), a);
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(presented), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    private sealed record ParsedAuth(
        SigV4AuthLocation Location,
        SigV4CredentialScope Scope,
        SigV4ServiceRules Rules,
        string SignedHeaders,
        string Signature,
        string AmzDate,
        DateTimeOffset RequestTime,
        int? ExpiresSeconds,
        string? SessionToken,
        string PayloadHash,
        SigV4PayloadSigning PayloadSigning,
        long? DecodedContentLength,
        IReadOnlyList<string> DeclaredTrailers);
}
