using Irsa.Iam.Common;

namespace Irsa.Iam.OpenIdConnectProviders;

/// <summary>A stored IAM OIDC identity provider.</summary>
public sealed record OpenIdConnectProviderRecord
{
    public required string AccountId { get; init; }

    /// <summary>The URL without its scheme, as IAM returns it (<c>oidc.example.com/id/ABC</c>).</summary>
    public required string Url { get; init; }

    /// <summary><c>https</c>, or <c>http</c> for a loopback issuer (Irsa's local-development deviation).</summary>
    public string Scheme { get; init; } = "https";

    public required DateTimeOffset CreateDate { get; init; }

    public IReadOnlyList<string> ClientIds { get; init; } = [];

    public IReadOnlyList<string> Thumbprints { get; init; } = [];

    public IReadOnlyList<IamTag> Tags { get; init; } = [];

    public string Arn => OpenIdConnectProviderUrl.ArnFor(AccountId, Url);

    /// <summary>The issuer URL a token's <c>iss</c> must equal.</summary>
    public string IssuerUrl => Scheme + "://" + Url;
}
