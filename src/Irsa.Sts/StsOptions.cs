using Irsa.Sts.WebIdentity;

namespace Irsa.Sts;

/// <summary>Settings of the STS service.</summary>
public sealed class StsOptions
{
    /// <summary>Leeway for <c>exp</c>, <c>nbf</c> and <c>iat</c> against the server clock.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>When set, tokens whose <c>iat</c> is older than this are refused (<c>Token too old</c>); off by default.</summary>
    public TimeSpan? MaxTokenAge { get; init; }

    /// <summary>The region recorded as a role's last use.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Discovery/JWKS fetching and caching.</summary>
    public OidcKeySourceOptions KeySource { get; init; } = new();
}
