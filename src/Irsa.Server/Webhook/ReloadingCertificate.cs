using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Irsa.Server.Webhook;

/// <summary>
/// A serving certificate read from PEM files and re-read when they change, so a renewed
/// cert-manager Secret is served without a restart (upstream uses controller-runtime's
/// certwatcher). Kestrel asks for the certificate on every TLS handshake; each ask compares the
/// files' timestamps and sizes with the loaded ones, which costs two <c>stat</c> calls.
/// </summary>
public sealed class ReloadingCertificate : IDisposable
{
    private readonly string _certificateFile;
    private readonly string _keyFile;
    private readonly Lock _gate = new();
    private X509Certificate2 _current;
    private FileStamp _stamp;

    /// <summary>Loads the pair now, so a missing or broken pair fails at startup.</summary>
    public ReloadingCertificate(string certificateFile, string keyFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificateFile);
        ArgumentException.ThrowIfNullOrEmpty(keyFile);
        _certificateFile = certificateFile;
        _keyFile = keyFile;
        _stamp = FileStamp.Of(certificateFile, keyFile);
        _current = Load(certificateFile, keyFile);
    }

    /// <summary>Raised when a changed pair cannot be loaded; the previous certificate stays in use.</summary>
    public event EventHandler<Exception>? ReloadFailed;

    /// <summary>Raised after a changed pair was loaded.</summary>
    public event EventHandler? Reloaded;

    /// <summary>The certificate to present on this handshake (reloaded first if the files changed).</summary>
    public X509Certificate2 Current
    {
        get
        {
            FileStamp stamp;
            try
            {
                stamp = FileStamp.Of(_certificateFile, _keyFile);
            }
            catch (IOException)
            {
                // Mid-swap (a Secret volume replaces a symlink): keep serving what we have.
                return _current;
            }

            if (stamp == _stamp)
            {
                return _current;
            }

            lock (_gate)
            {
                if (stamp == _stamp)
                {
                    return _current;
                }

                try
                {
                    _current = Load(_certificateFile, _keyFile);
                    _stamp = stamp;
                }
                catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
                {
                    // Typically a certificate written before its key: the next handshake retries.
                    // The old certificate object is kept alive deliberately: handshakes may still use it.
                    ReloadFailed?.Invoke(this, e);
                    return _current;
                }
            }

            Reloaded?.Invoke(this, EventArgs.Empty);
            return _current;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _current.Dispose();

    private static X509Certificate2 Load(string certificateFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);

        // A PKCS#12 round trip gives a persisted key, which SslStream needs on Windows.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private readonly record struct FileStamp(FileIdentity Certificate, FileIdentity Key)
    {
        public static FileStamp Of(string certificateFile, string keyFile) => new(FileIdentity.Of(certificateFile), FileIdentity.Of(keyFile));
    }

    private readonly record struct FileIdentity(string Target, DateTime Written, long Length)
    {
        public static FileIdentity Of(string path)
        {
            // Kubernetes Secret volumes swap a "..data" symlink to a new directory: resolving the
            // link makes that a change even if the new files have the same times and sizes.
            var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
            var info = new FileInfo(target);
            return new FileIdentity(target, info.LastWriteTimeUtc, info.Length);
        }
    }
}
