using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Irsa.Sts.WebIdentity;

namespace Irsa.Cli.Client;

/// <summary>
/// Computes an IAM OIDC provider thumbprint the way AWS documents it: the SHA-1 of the top certificate in the chain
/// the issuer's host presents (the last one <c>openssl s_client -showcerts</c> prints). The chain must pass the
/// client's own checks (trusted CA, host name) first: a thumbprint is trust, never taken from an unchecked server.
/// </summary>
internal static class TlsThumbprint
{
    public static async Task<string> FetchAsync(Uri issuer, ServerCertificatePolicy certificates, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(issuer.Host, issuer.Port, cancellationToken);
        X509Certificate2? top = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, chain, errors) =>
        {
            // The chain's extra store holds exactly the certificates the server sent after its own.
            top = chain?.ChainPolicy.ExtraStore.Count > 0
                ? chain.ChainPolicy.ExtraStore[^1]
                : certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return certificates.Validate(issuer.Host, certificate, chain, errors);
        });
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = issuer.Host }, cancellationToken);
        }
        catch (AuthenticationException) when (certificates.Rejection is { } reason)
        {
            throw new CliError($"refusing the issuer {issuer.Host}: {reason}");
        }

        return top is null ? throw new CliError($"{issuer.Host} presented no certificate") : ThumbprintTrust.Thumbprint(top);
    }
}
