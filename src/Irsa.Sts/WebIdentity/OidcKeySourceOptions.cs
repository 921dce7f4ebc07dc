namespace Irsa.Sts.WebIdentity;

/// <summary>Limits and lifetimes for fetching and caching issuers' discovery documents and JWKS.</summary>
public sealed class OidcKeySourceOptions
{
    /// <summary>Time allowed for each fetch (discovery, then JWKS); AWS gives an IdP about 5 s.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Cache lifetime when the responses carry no <c>Cache-Control: max-age</c>.</summary>
    public TimeSpan DefaultCacheLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Upper bound for any <c>max-age</c> an issuer announces.</summary>
    public TimeSpan MaxCacheLifetime { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Lower bound (also used for <c>no-cache</c>/<c>no-store</c>), so an issuer cannot make STS fetch on every call.</summary>
    public TimeSpan MinCacheLifetime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>At most one fetch per issuer within this interval (unknown-kid refreshes and retries after failures).</summary>
    public TimeSpan MinRefreshInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest discovery or JWKS body read.</summary>
    public int MaxDocumentBytes { get; init; } = 512 * 1024;

    /// <summary>Most keys of each type (RSA, EC) a JWKS may hold, as IAM documents (100 each).</summary>
    public int MaxKeysPerType { get; init; } = 100;

    /// <summary>
    /// How long after their cache lifetime ran out keys keep being served while refreshes fail (the issuer is down).
    /// Past it, tokens are refused: a key the issuer revoked while unreachable does not verify tokens forever.
    /// </summary>
    public TimeSpan MaxStaleKeyAge { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Most issuers (and HTTP clients, one per pinned thumbprint set) kept; the least recently used go first.</summary>
    public int MaxIssuers { get; init; } = 1024;

    /// <summary>
    /// Origins (<c>scheme://host:port</c>) a discovery document's <c>jwks_uri</c> may point at besides the issuer's own
    /// origin. Empty by default: a JWKS is fetched only from the issuer's origin, so a registered issuer cannot steer STS
    /// at another host or port (e.g. a loopback admin port) before any signature is checked.
    /// </summary>
    public IReadOnlyList<string> AllowedJwksOrigins { get; init; } = [];
}
