using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Irsa.Sts.WebIdentity;

/// <summary>
/// TLS trust for discovery and JWKS fetches, as AWS does it since 2023: a certificate that chains to a trusted root is
/// accepted; otherwise only if the SHA-1 thumbprint of the top certificate of the chain presented (the top intermediate
/// or a self-signed root) is one of the provider's thumbprints.
/// </summary>
public static class ThumbprintTrust
{
    private const X509ChainStatusFlags Tolerated =
        X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain
        | X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;

    /// <summary>The default handler: no redirects, no cookies, normal TLS validation with the thumbprint fallback.</summary>
    public static HttpMessageHandler CreateDefaultHandler(IReadOnlyList<string> thumbprints)
    {
        ArgumentNullException.ThrowIfNull(thumbprints);
        var pinned = thumbprints.Select(t => t.ToLowerInvariant()).ToArray();
        return new SocketsHttpHandler
        {
            // A redirect could point the fetch anywhere; issuers must serve their documents directly.
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, _, chain, errors) => IsTrusted(chain, errors, pinned),
            },
        };
    }

    /// <summary>The decision: trusted chain, or an untrusted but otherwise valid chain whose top certificate is pinned.</summary>
    public static bool IsTrusted(X509Chain? chain, SslPolicyErrors errors, IReadOnlyCollection<string> thumbprints)
    {
        ArgumentNullException.ThrowIfNull(thumbprints);
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A thumbprint only stands in for an unknown root: a wrong host name or a missing certificate is never excused.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || chain is null || chain.ChainElements.Count == 0 || thumbprints.Count == 0)
        {
            return false;
        }

        foreach (var status in chain.ChainStatus)
        {
            if ((status.Status & ~Tolerated) != 0)
            {
                return false;
            }
        }

        var top = chain.ChainElements[^1].Certificate;
        return thumbprints.Contains(Thumbprint(top), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Lower-case hex SHA-1 of the DER certificate, the form IAM stores thumbprints in.</summary>
#pragma warning disable CA5350 // SHA-1 is what IAM thumbprints are defined as; it identifies, it does not protect.
    public static string Thumbprint(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(SHA1.HashData((certificate ?? throw new ArgumentNullException(nameof(certificate))).RawData));
#pragma warning restore CA5350
}
