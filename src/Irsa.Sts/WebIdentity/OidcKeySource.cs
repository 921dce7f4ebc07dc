using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Irsa.Core.Caching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Irsa.Sts.WebIdentity;

/// <summary>Creates the HTTP handler used to reach issuers whose providers pin <paramref name="thumbprints"/>.</summary>
public delegate HttpMessageHandler OidcHandlerFactory(IReadOnlyList<string> thumbprints);

/// <summary>
/// Finds an issuer's verification key by <c>kid</c>: fetches <c>{iss}/.well-known/openid-configuration</c>, checks its
/// <c>issuer</c>, fetches <c>jwks_uri</c>, and caches the keys.
/// </summary>
/// <remarks>
/// Caching honours <c>Cache-Control: max-age</c> within bounds. An unknown <c>kid</c> triggers one refresh, and an
/// issuer is fetched at most once per <see cref="OidcKeySourceOptions.MinRefreshInterval"/> (concurrent callers share
/// the fetch). When a refresh fails, the keys already cached keep being served for at most
/// <see cref="OidcKeySourceOptions.MaxStaleKeyAge"/> past their lifetime. The JWKS is fetched only from the issuer's
/// origin (or <see cref="OidcKeySourceOptions.AllowedJwksOrigins"/>). Keys are never taken from the token itself
/// (<c>jku</c>, <c>x5u</c>, <c>jwk</c>, <c>x5c</c>): only the issuer's published JWKS counts.
/// </remarks>
public sealed partial class OidcKeySource : IDisposable
{
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    // Instruments of the process-wide "Irsa" meter (a host exports it by that name); free when nothing listens.
    private static readonly Meter Meter = new("Irsa");
    private static readonly Counter<long> Fetches = Meter.CreateCounter<long>("irsa.jwks.fetches", description: "Issuer discovery + JWKS fetches, by outcome");
    private static readonly Histogram<double> FetchDuration = Meter.CreateHistogram<double>("irsa.jwks.fetch.duration", unit: "s",
        description: "How long an issuer's discovery + JWKS fetch took");

    private readonly ILogger _logger;

    private readonly TimeProvider _time;
    private readonly OidcKeySourceOptions _options;
    private readonly OidcHandlerFactory _handlerFactory;
    private readonly BoundedCache<string, HttpMessageInvoker> _invokers;
    private readonly BoundedCache<string, IssuerState> _issuers;
    private readonly HashSet<string> _allowedJwksOrigins;

    public OidcKeySource(TimeProvider timeProvider, OidcKeySourceOptions? options = null, OidcHandlerFactory? handlerFactory = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        _options = options ?? new OidcKeySourceOptions();
        _handlerFactory = handlerFactory ?? ThumbprintTrust.CreateDefaultHandler;

        // An evicted client may still serve a fetch in flight, so it is not disposed here; the GC reclaims it.
        _invokers = new BoundedCache<string, HttpMessageInvoker>(_options.MaxIssuers, comparer: StringComparer.Ordinal);
        _issuers = new BoundedCache<string, IssuerState>(_options.MaxIssuers, comparer: StringComparer.Ordinal);
        _allowedJwksOrigins = new HashSet<string>(_options.AllowedJwksOrigins.Select(o =>
            Uri.TryCreate(o, UriKind.Absolute, out var uri) ? Origin(uri)
            : throw new ArgumentException($"'{o}' is not an origin (scheme://host:port)", nameof(options))), StringComparer.Ordinal);
    }

    /// <summary>
    /// The key that verifies a token of <paramref name="issuer"/> with <paramref name="keyId"/> and <paramref name="algorithm"/>.
    /// Without a kid, the only compatible key is used (several compatible keys are ambiguous).
    /// </summary>
    public async Task<KeyLookup> FindKeyAsync(string issuer, IReadOnlyList<string> thumbprints, string? keyId, JwsAlgorithm algorithm,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(thumbprints);
        ArgumentNullException.ThrowIfNull(algorithm);
        var pins = thumbprints.Select(t => t.ToLowerInvariant()).Order(StringComparer.Ordinal).ToArray();
        var state = _issuers.GetOrAdd(issuer + "\n" + string.Join(',', pins), _ => new IssuerState(issuer, pins));

        var keys = state.Keys;
        string? failure = null;
        if (keys is null || _time.GetUtcNow() >= keys.ExpiresAt)
        {
            failure = await RefreshAsync(state, cancellationToken);
            keys = state.Keys;
        }

        if (keys is not null && _time.GetUtcNow() >= keys.ExpiresAt + _options.MaxStaleKeyAge)
        {
            // The issuer has been unreachable for too long: stale keys may have been revoked meanwhile.
            return KeyLookup.Unavailable((failure ?? "refresh failed") + "; cached keys too stale");
        }

        if (keys is null)
        {
            return KeyLookup.Unavailable(failure ?? "no keys cached");
        }

        var key = keys.Select(keyId, algorithm);
        if (key is null && keyId is not null && !keys.Contains(keyId))
        {
            // Possibly a key the issuer rotated in since the last fetch.
            failure = await RefreshAsync(state, cancellationToken);
            keys = state.Keys ?? keys;
            key = keys.Select(keyId, algorithm);
        }

        return key is not null ? KeyLookup.Found(key) : KeyLookup.UnknownKey(keyId, failure) with { AvailableKeyIds = keys.KeyIds };
    }

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values())
        {
            invoker.Dispose();
        }

        _invokers.Clear();
    }

    /// <summary>Refreshes unless a fetch ran within the minimum interval; joins a fetch already running. Returns a failure reason or null.</summary>
    private async Task<string?> RefreshAsync(IssuerState state, CancellationToken cancellationToken)
    {
        Task<string?> fetch;
        lock (state)
        {
            // A completed task is a finished fetch, not a running one (it may even have completed synchronously).
            if (state.InFlight is { IsCompleted: false } running)
            {
                fetch = running;
            }
            else
            {
                var now = _time.GetUtcNow();
                if (state.LastAttempt is { } last && now - last < _options.MinRefreshInterval)
                {
                    return "refresh rate-limited";
                }

                state.LastAttempt = now;
                fetch = state.InFlight = FetchAndStoreAsync(state);
            }
        }

        return await fetch.WaitAsync(cancellationToken);
    }

    private async Task<string?> FetchAndStoreAsync(IssuerState state)
    {
        var started = Stopwatch.GetTimestamp();
        var failure = await TryFetchAndStoreAsync(state);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var outcome = new KeyValuePair<string, object?>("outcome", failure is null ? "success" : "failure");
        Fetches.Add(1, outcome);
        FetchDuration.Record(elapsed.TotalSeconds, outcome);
        if (failure is null)
        {
            LogFetched(_logger, state.Issuer, state.Keys?.KeyIds.Count ?? 0, (long)elapsed.TotalMilliseconds);
        }
        else
        {
            LogFetchFailed(_logger, state.Issuer, failure, state.Keys is not null);
        }

        return failure;
    }

    private async Task<string?> TryFetchAndStoreAsync(IssuerState state)
    {
        try
        {
            // The fetch is shared by every waiting caller, so it runs on its own timeout, not on one caller's token.
            using var timeout = new CancellationTokenSource(_options.FetchTimeout, _time);
            var keys = await FetchAsync(state, timeout.Token);
            state.Keys = keys;
            return null;
        }
        catch (OidcFetchException ex)
        {
            return ex.Message;
        }
        catch (HttpRequestException ex)
        {
            return "HTTP failure: " + ex.HttpRequestError;
        }
        catch (OperationCanceledException)
        {
            return "timed out";
        }
        catch (IOException)
        {
            return "I/O failure";
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Fetched the JWKS of issuer {Issuer}: {KeyCount} keys in {ElapsedMilliseconds} ms")]
    private static partial void LogFetched(ILogger logger, string issuer, int keyCount, long elapsedMilliseconds);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Cannot fetch the JWKS of issuer {Issuer}: {Reason} (serving cached keys: {HasCachedKeys})")]
    private static partial void LogFetchFailed(ILogger logger, string issuer, string reason, bool hasCachedKeys);

    private async Task<CachedKeys> FetchAsync(IssuerState state, CancellationToken cancellationToken)
    {
        var invoker = _invokers.GetOrAdd(string.Join(',', state.Thumbprints), _ => new HttpMessageInvoker(_handlerFactory(state.Thumbprints), disposeHandler: true));
        var issuer = state.Issuer;
        var discoveryUri = CheckFetchable(issuer.TrimEnd('/') + "/.well-known/openid-configuration", "issuer");

        var (discovery, discoveryMaxAge) = await GetJsonAsync(invoker, discoveryUri, cancellationToken);
        string jwksText;
        using (discovery)
        {
            var root = discovery.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("issuer", out var issuerElement) || issuerElement.ValueKind != JsonValueKind.String
                || issuerElement.GetString() != issuer)
            {
                throw new OidcFetchException("discovery issuer does not match iss");
            }

            if (!root.TryGetProperty("jwks_uri", out var jwks) || jwks.ValueKind != JsonValueKind.String)
            {
                throw new OidcFetchException("discovery document has no jwks_uri");
            }

            jwksText = jwks.GetString()!;
        }

        var jwksUri = CheckFetchable(jwksText, "jwks_uri");
        if (Origin(jwksUri) != Origin(discoveryUri) && !_allowedJwksOrigins.Contains(Origin(jwksUri)))
        {
            throw new OidcFetchException("jwks_uri is not on the issuer's origin");
        }

        var (set, jwksMaxAge) = await GetJsonAsync(invoker, jwksUri, cancellationToken);
        using (set)
        {
            if (set.RootElement.ValueKind != JsonValueKind.Object || !set.RootElement.TryGetProperty("keys", out var array)
                || array.ValueKind != JsonValueKind.Array)
            {
                throw new OidcFetchException("JWKS has no keys array");
            }

            var keys = new List<JsonWebKey>();
            foreach (var element in array.EnumerateArray())
            {
                if (JsonWebKey.TryRead(element) is { } key)
                {
                    keys.Add(key);
                }
            }

            if (keys.Count(k => k.KeyType == "RSA") > _options.MaxKeysPerType || keys.Count(k => k.KeyType == "EC") > _options.MaxKeysPerType)
            {
                throw new OidcFetchException("JWKS holds too many keys");
            }

            var maxAge = Min(discoveryMaxAge, jwksMaxAge) ?? _options.DefaultCacheLifetime;
            maxAge = maxAge < _options.MinCacheLifetime ? _options.MinCacheLifetime
                : maxAge > _options.MaxCacheLifetime ? _options.MaxCacheLifetime : maxAge;
            return new CachedKeys(keys, _time.GetUtcNow() + maxAge);
        }
    }

    private async Task<(JsonDocument Document, TimeSpan? MaxAge)> GetJsonAsync(HttpMessageInvoker invoker, Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await invoker.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new OidcFetchException($"{uri.AbsolutePath} answered {(int)response.StatusCode}");
        }

        if (response.Content.Headers.ContentLength > _options.MaxDocumentBytes)
        {
            throw new OidcFetchException("document too large");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[_options.MaxDocumentBytes + 1];
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
            if (total > _options.MaxDocumentBytes)
            {
                throw new OidcFetchException("document too large");
            }
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.AsMemory(0, total), JsonOptions);
        }
        catch (JsonException)
        {
            throw new OidcFetchException("document is not valid JSON");
        }

        var cacheControl = response.Headers.CacheControl;
        TimeSpan? maxAge = cacheControl is null ? null
            : cacheControl.NoStore || cacheControl.NoCache ? TimeSpan.Zero
            : cacheControl.MaxAge;
        return (document, maxAge);
    }

    /// <summary>HTTPS only, except plain HTTP to a loopback host (a local issuer); no credentials in the URL.</summary>
    private static Uri CheckFetchable(string text, string what)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new OidcFetchException($"{what} is not an https URL");
        }

        return uri;
    }

    /// <summary><c>scheme://host:port</c>, with the default port made explicit and the host lower-cased.</summary>
    private static string Origin(Uri uri) => $"{uri.Scheme}://{uri.IdnHost}:{uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}".ToLowerInvariant();

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private sealed class IssuerState(string issuer, string[] thumbprints)
    {
        public string Issuer { get; } = issuer;

        public string[] Thumbprints { get; } = thumbprints;

        public volatile CachedKeys? Keys;

        public DateTimeOffset? LastAttempt;

        public Task<string?>? InFlight;
    }

    private sealed class CachedKeys(IReadOnlyList<JsonWebKey> keys, DateTimeOffset expiresAt)
    {
        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public bool Contains(string keyId) => keys.Any(k => k.KeyId == keyId);

        public IReadOnlyList<string> KeyIds => [.. keys.Select(k => k.KeyId ?? "(none)")];

        public JsonWebKey? Select(string? keyId, JwsAlgorithm algorithm)
        {
            if (keyId is not null)
            {
                return keys.FirstOrDefault(k => k.KeyId == keyId && k.IsCompatibleWith(algorithm));
            }

            var compatible = keys.Where(k => k.IsCompatibleWith(algorithm)).Take(2).ToList();
            return compatible.Count == 1 ? compatible[0] : null;
        }
    }

    private sealed class OidcFetchException(string message) : Exception(message);
}

/// <summary>The outcome of a key lookup; <see cref="Detail"/> is a loggable reason (never key material).</summary>
public sealed record KeyLookup(JsonWebKey? Key, KeyLookupStatus Status, string? Detail)
{
    /// <summary>For <see cref="KeyLookupStatus.UnknownKey"/>: the key ids the issuer's JWKS has (explains the failure to the operator).</summary>
    public IReadOnlyList<string> AvailableKeyIds { get; init; } = [];

    public static KeyLookup Found(JsonWebKey key) => new(key, KeyLookupStatus.Found, null);

    public static KeyLookup Unavailable(string detail) => new(null, KeyLookupStatus.Unavailable, detail);

    public static KeyLookup UnknownKey(string? keyId, string? detail) =>
        new(null, KeyLookupStatus.UnknownKey, keyId is null ? "no unambiguous key for a token without kid" : "kid not in JWKS" + (detail is null ? "" : "; " + detail));
}

/// <summary>Whether a key was found.</summary>
public enum KeyLookupStatus
{
    Found,
    Unavailable,
    UnknownKey,
}
