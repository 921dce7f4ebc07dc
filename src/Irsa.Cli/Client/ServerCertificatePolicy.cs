using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Irsa.Cli.Client;

/// <summary>
/// Checks a server certificate as any TLS client does (a trusted chain, and the host name among its subject
/// alternative names), trusting one more set of roots besides the system's: the CA bundle (<c>AWS_CA_BUNDLE</c>,
/// the profile's <c>ca_bundle</c>, else the data folder's local CA). A certificate from that CA for another host is
/// refused like any other. The reason of the last refusal is kept, for a one-line error.
/// </summary>
internal sealed class ServerCertificatePolicy
{
    private readonly X509Certificate2Collection _authorities;
    private readonly string _trusted;

    private ServerCertificatePolicy(X509Certificate2Collection authorities, string trusted)
    {
        _authorities = authorities;
        _trusted = trusted;
    }

    /// <summary>Why the last certificate was refused; null when none was.</summary>
    public string? Rejection { get; private set; }

    /// <summary>The system roots, plus the certificates of <paramref name="caBundleFile"/> (PEM) when given.</summary>
    public static ServerCertificatePolicy Load(string? caBundleFile)
    {
        var authorities = new X509Certificate2Collection();
        if (caBundleFile is null)
        {
            return new ServerCertificatePolicy(authorities, "the system's roots");
        }

        if (!File.Exists(caBundleFile))
        {
            throw new CliError($"CA bundle {caBundleFile} does not exist");
        }

        try
        {
            authorities.ImportFromPemFile(caBundleFile);
        }
        catch (CryptographicException error)
        {
            throw new CliError($"CA bundle {caBundleFile} is not a PEM certificate file: {error.Message}");
        }

        return authorities.Count == 0
            ? throw new CliError($"CA bundle {caBundleFile} holds no certificate")
            : new ServerCertificatePolicy(authorities, $"the system's roots or {caBundleFile}");
    }

    /// <summary>
    /// Trusts a cluster's CA as well (DescribeCluster's <c>certificateAuthority.data</c>, base64 PEM), as kubectl trusts
    /// its kubeconfig's <c>certificate-authority-data</c> for that cluster's endpoint.
    /// </summary>
    public void TrustClusterAuthority(string? certificateAuthorityData)
    {
        if (string.IsNullOrEmpty(certificateAuthorityData))
        {
            return;
        }

        try
        {
            var pem = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(certificateAuthorityData));
            _authorities.ImportFromPem(pem);
        }
        catch (Exception error) when (error is FormatException or CryptographicException)
        {
            throw new CliError($"the cluster's certificateAuthority.data is not a base64 PEM certificate: {error.Message}");
        }
    }

    /// <summary>The validation callback for a connection to <paramref name="host"/>.</summary>
    public bool Validate(string host, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return Refuse($"{host} presented no TLS certificate");
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return Refuse($"the TLS certificate of {host} is not valid for {host} (it names {Names(presented)})");
        }

        return _authorities.Count > 0 && chain is not null && ChainsToAuthorities(presented, chain)
            || Refuse($"the TLS certificate of {host} is not issued by a trusted CA ({_trusted})");
    }

    private bool Refuse(string reason)
    {
        Rejection = reason;
        return false;
    }

    private bool ChainsToAuthorities(X509Certificate2 certificate, X509Chain presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);

        // A local CA publishes no revocation lists.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static string Names(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(san => san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(a => a.ToString())))
            .ToList();
        return names.Count == 0 ? "no host" : string.Join(", ", names);
    }
}
