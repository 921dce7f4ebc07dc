using System.Net;
using Irsa.Core.Aws;

namespace Irsa.Iam.OpenIdConnectProviders;

/// <summary>
/// Validates and normalises OIDC provider URLs and maps them to ARNs and store keys.
/// </summary>
/// <remarks>
/// Note: AWS requires <c>https://</c> and no port. Irsa's one documented deviation accepts <c>http://</c> for
/// loopback hosts (127.0.0.0/8, ::1, localhost) and allows ports, so a local issuer can be registered.
/// </remarks>
public static class OpenIdConnectProviderUrl
{
    private const string ArnResourcePrefix = "oidc-provider/";

    /// <summary>Parses a provider URL into its scheme and scheme-less form, or throws <c>InvalidInput</c>.</summary>
    public static (string Scheme, string Url) Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || !url.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("Invalid Open ID Connect Provider URL: the URL must begin with https://");
        }

        if (uri.Scheme == "http" && !IsLoopback(uri))
        {
            throw Invalid("Invalid Open ID Connect Provider URL: http:// is only accepted for loopback hosts; use https://");
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || url.Contains('?', StringComparison.Ordinal)
            || url.Contains('#', StringComparison.Ordinal) || string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid("Invalid Open ID Connect Provider URL: only a host and an optional path are allowed");
        }

        // Keep the caller's spelling of the path (token iss must match byte for byte); hosts are case-insensitive.
        var rest = url[(uri.Scheme.Length + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = (slash < 0 ? rest : rest[..slash]).ToLowerInvariant();
        var path = slash < 0 ? string.Empty : rest[slash..].TrimEnd('/');
        return (uri.Scheme, authority + path);
    }

    /// <summary>Strips <c>https://</c> or <c>http://</c> and normalises like <see cref="Parse"/>; <c>null</c> when not a valid provider URL.</summary>
    public static string? TryNormalize(string url)
    {
        if (!url.Contains("://", StringComparison.Ordinal))
        {
            url = "https://" + url;
        }

        try
        {
            return Parse(url).Url;
        }
        catch (AwsErrorException)
        {
            return null;
        }
    }

    public static string ArnFor(string accountId, string urlWithoutScheme) =>
        $"arn:{IamProtocol.Partition}:iam::{accountId}:{ArnResourcePrefix}{urlWithoutScheme}";

    /// <summary>The (account, scheme-less URL) an ARN names, or <c>null</c> when it is not an OIDC provider ARN.</summary>
    public static (string AccountId, string Url)? FromArn(string arn) =>
        Arn.TryParse(arn, out var parsed) && parsed.Service == "iam" && AwsIds.IsAccountId(parsed.Account)
            && parsed.Resource.StartsWith(ArnResourcePrefix, StringComparison.Ordinal) && parsed.Resource.Length > ArnResourcePrefix.Length
            ? (parsed.Account, parsed.Resource[ArnResourcePrefix.Length..])
            : null;

    /// <summary>The store key; the authority is case-insensitive, the path is not.</summary>
    internal static string Key(string accountId, string url) => accountId + "/" + Canonical(url);

    /// <summary>
    /// The one spelling of a scheme-less provider URL (authority lower-cased, path kept): the store key and the ARN that
    /// authorization sees both derive from it, so <c>OIDC.EXAMPLE.COM</c> and <c>oidc.example.com</c> are one provider to both.
    /// </summary>
    public static string Canonical(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var slash = url.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? url.ToLowerInvariant() : url[..slash].ToLowerInvariant() + url[slash..];
    }

    /// <summary>The canonical spelling of a provider ARN, or <c>null</c> when it is not one.</summary>
    public static string? CanonicalArn(string arn) => FromArn(arn) is { } parsed ? ArnFor(parsed.AccountId, Canonical(parsed.Url)) : null;

    private static bool IsLoopback(Uri uri) =>
        string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static AwsErrorException Invalid(string message) => new(AwsError.InvalidInput(message));
}
