using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Irsa.Core.Security;

namespace Irsa.Server.Hosting;

/// <summary>
/// A CA generated in the data folder on first start; it issues the HTTPS serving certificate and is what
/// clients (kubeconfig <c>certificate-authority-data</c>, <c>AWS_CA_BUNDLE</c>) trust.
/// </summary>
/// <remarks>Note: the CA private key is stored encrypted under the master key, like every other secret.</remarks>
public sealed class LocalCertificateAuthority
{
    private const string KeyPurpose = "hosting/ca-key";

    private LocalCertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        Key = key;
    }

    public X509Certificate2 Certificate { get; }

    private ECDsa Key { get; }

    /// <summary>The CA certificate as PEM text.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    public static LocalCertificateAuthority LoadOrCreate(DataDirectory data, SecretProtector protector, TimeProvider time)
    {
        var keyFile = data.CertificateAuthorityKey;
        if (File.Exists(data.CertificateAuthority) && File.Exists(keyFile))
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(File.ReadAllText(keyFile).Trim()), KeyPurpose), out _);
            return new LocalCertificateAuthority(X509Certificate2.CreateFromPem(File.ReadAllText(data.CertificateAuthority)), key);
        }

        var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Irsa local CA", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using var ca = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        File.WriteAllText(data.CertificateAuthority, ca.ExportCertificatePem() + "\n");
        PrivateFile.WriteAllText(keyFile, Convert.ToBase64String(protector.Protect(caKey.ExportPkcs8PrivateKey(), KeyPurpose)) + "\n");
        return new LocalCertificateAuthority(X509Certificate2.CreateFromPem(ca.ExportCertificatePem()), caKey);
    }

    /// <summary>Issues a 90-day serving certificate (with private key) for the given host names and addresses.</summary>
    public X509Certificate2 IssueServerCertificate(IEnumerable<string> hosts, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=irsa", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts.Append("localhost").Append("127.0.0.1").Append("::1").Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = time.GetUtcNow();
        using var issued = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(Key), now.AddMinutes(-5), now.AddDays(90),
            RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Round-trip through PKCS#12 so Kestrel on Linux gets a certificate whose key it can use.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
