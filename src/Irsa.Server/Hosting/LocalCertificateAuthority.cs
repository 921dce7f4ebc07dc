using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Irsa.Core.Security;

namespace Irsa.Server.Hosting;

/// <summary>
/// A two-level CA generated in the data folder on first start: a root (what clients trust: kubeconfig
/// <c>certificate-authority-data</c>, <c>AWS_CA_BUNDLE</c>) and an intermediate that issues the HTTPS serving
/// certificate and is sent with it.
/// </summary>
/// <remarks>
/// Note: the intermediate exists for IAM OIDC providers, which pin the SHA-1 thumbprint of the top certificate a
/// server presents; TLS stacks never send a self-signed root, so without a stable intermediate that top certificate
/// would be the serving certificate, which is reissued on every start. Both private keys are stored encrypted under
/// the master key, like every other secret.
/// </remarks>
public sealed class LocalCertificateAuthority
{
    private const string RootKeyPurpose = "hosting/ca-key";
    private const string IntermediateKeyPurpose = "hosting/intermediate-ca-key";

    private LocalCertificateAuthority(X509Certificate2 root, X509Certificate2 intermediate, ECDsa intermediateKey)
    {
        Certificate = root;
        Intermediate = intermediate;
        IntermediateKey = intermediateKey;
    }

    /// <summary>The root certificate clients trust.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The issuing CA sent with the serving certificate; its SHA-1 is what IAM providers pin.</summary>
    public X509Certificate2 Intermediate { get; }

    private ECDsa IntermediateKey { get; }

    /// <summary>The root certificate as PEM text.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    public static LocalCertificateAuthority LoadOrCreate(DataDirectory data, SecretProtector protector, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var (root, rootKey) = LoadOrCreatePair(data.CertificateAuthority, data.CertificateAuthorityKey, RootKeyPurpose, protector,
            () => CreateCa("CN=Irsa local root CA", null, null, now, pathLength: 1));
        using (rootKey)
        {
            var (intermediate, intermediateKey) = LoadOrCreatePair(data.IntermediateCertificate, data.IntermediateCertificateKey, IntermediateKeyPurpose,
                protector, () => CreateCa("CN=Irsa local intermediate CA", root, rootKey, now, pathLength: 0));
            return new LocalCertificateAuthority(root, intermediate, intermediateKey);
        }
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
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Intermediate, true, false));
        var now = time.GetUtcNow();
        using var issued = request.Create(Intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(IntermediateKey), now.AddMinutes(-5), now.AddDays(90),
            RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Round-trip through PKCS#12 so Kestrel on Linux gets a certificate whose key it can use.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private static (X509Certificate2 Certificate, ECDsa Key) LoadOrCreatePair(string certificateFile, string keyFile, string purpose,
        SecretProtector protector, Func<(X509Certificate2, ECDsa)> create)
    {
        if (File.Exists(certificateFile) && File.Exists(keyFile))
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(File.ReadAllText(keyFile).Trim()), purpose), out _);
            return (X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile)), key);
        }

        var (certificate, newKey) = create();
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n");
        PrivateFile.WriteAllText(keyFile, Convert.ToBase64String(protector.Protect(newKey.ExportPkcs8PrivateKey(), purpose)) + "\n");
        return (certificate, newKey);
    }

    private static (X509Certificate2, ECDsa) CreateCa(string subject, X509Certificate2? issuer, ECDsa? issuerKey, DateTimeOffset now, int pathLength)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, pathLength, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = issuer is null
            ? request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10))
            : request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey!), now.AddMinutes(-5), now.AddYears(5).AddDays(-1),
                RandomNumberGenerator.GetBytes(16));
        return (X509Certificate2.CreateFromPem(certificate.ExportCertificatePem()), key);
    }
}
