using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// The CLI trusts the local CA (the data folder's <c>ca.pem</c>) for the names its certificates carry, not for any
/// host: a certificate from that CA for another host name is refused.
/// </summary>
public sealed class CliTlsTests : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("irsa-tls-");
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;

    public CliTlsTests()
    {
        var request = new CertificateRequest("CN=test local CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // A data folder as 'irsa up' leaves it: the local CA and the admin profile.
        File.WriteAllText(Path.Combine(_home.FullName, "ca.pem"), _ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_home.FullName, "credentials"), "[irsa-admin]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = secret\n");
    }

    [Fact]
    public async Task A_certificate_from_the_local_CA_for_another_host_is_refused()
    {
        var refused = await ListClustersAsync(Issue(san => san.AddDnsName("other.example")));
        var accepted = await ListClustersAsync(Issue(san => san.AddIpAddress(IPAddress.Loopback)));

        Assert.NotEqual(0, refused.ExitCode);
        var line = Assert.Single(refused.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("irsa: refusing to talk to 127.0.0.1:PORT: the TLS certificate of 127.0.0.1 is not valid for 127.0.0.1 (it names other.example)",
            System.Text.RegularExpressions.Regex.Replace(line, @"127\.0\.0\.1:\d+", "127.0.0.1:PORT"));

        // The same CA, the right name: the chain was never the problem.
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        _home.Delete(recursive: true);
    }

    private X509Certificate2 Issue(Action<SubjectAlternativeNameBuilder> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=irsa", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(16));

        // Through PKCS#12 so that the TLS stack gets a persisted key, as it would from a file.
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Runs <c>irsa cluster list</c> against a one-connection HTTPS server presenting <paramref name="certificate"/>.</summary>
    private async Task<ToolResult> ListClustersAsync(X509Certificate2 certificate)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = ServeOnceAsync(listener, certificate);
        var result = await Tool.RunAsync(Path.Combine(Tool.RepositoryRoot, "irsa"),
            ["cluster", "list", "--endpoint", $"https://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"],
            new Dictionary<string, string?> { ["HOME"] = _home.FullName, ["IRSA_DATA"] = _home.FullName });
        listener.Stop();
        await server;
        certificate.Dispose();
        return result;
    }

    /// <summary>Answers the first request with an empty cluster list (EKS's ListClusters shape); a refused handshake ends it.</summary>
    private static async Task ServeOnceAsync(TcpListener listener, X509Certificate2 certificate)
    {
        try
        {
            using var client = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(certificate);
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await tls.ReadAsync(buffer);
                if (read == 0)
                {
                    return;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            const string body = "{\"clusters\":[]}";
            await tls.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
        }
        catch (Exception error) when (error is IOException or AuthenticationException or SocketException or ObjectDisposedException)
        {
            // The client refused the certificate, or never came.
        }
    }
}
