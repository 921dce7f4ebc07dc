namespace Irsa.Cluster.Discovery;

/// <summary>Paths and response headers kube-apiserver uses for issuer discovery.</summary>
public static class DiscoveryHttp
{
    /// <summary>Path of the discovery document, relative to the issuer URL.</summary>
    public const string DiscoveryPath = "/.well-known/openid-configuration";

    /// <summary>Path of the JWK set, relative to the issuer URL (kube-apiserver's fixed path).</summary>
    public const string JwksPath = "/openid/v1/jwks";

    /// <summary><c>Cache-Control</c> for both documents; a new key must be published at least this long before it signs.</summary>
    public const string CacheControl = "public, max-age=3600";

    /// <summary>The cache lifetime advertised in <see cref="CacheControl"/>.</summary>
    public static readonly TimeSpan CacheMaxAge = TimeSpan.FromSeconds(3600);

    /// <summary>Content type of the discovery document.</summary>
    public const string DiscoveryContentType = "application/json";

    /// <summary>Content type of the JWK set.</summary>
    public const string JwksContentType = "application/jwk-set+json";
}
