namespace Irsa.Server.Hosting;

/// <summary>The files Irsa keeps in its data folder, named in one place.</summary>
public sealed class DataDirectory(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Database => Path.Combine(Root, "irsa.db");

    /// <summary>S3 object bytes (metadata lives in the store).</summary>
    public string Objects => Path.Combine(Root, "s3");

    public string MasterKey => Path.Combine(Root, "master.key");

    public string CredentialsFile => Path.Combine(Root, "credentials");

    public string ConfigFile => Path.Combine(Root, "config");

    public string CertificateAuthority => Path.Combine(Root, "ca.pem");

    public string CertificateAuthorityKey => Path.Combine(Root, "ca-key.pem");

    public string IntermediateCertificate => Path.Combine(Root, "intermediate-ca.pem");

    public string IntermediateCertificateKey => Path.Combine(Root, "intermediate-ca-key.pem");

    /// <summary>The CloudTrail trail: its journal, the hourly log files and the signed digests (<c>AWSLogs/…</c>).</summary>
    public string CloudTrail => Path.Combine(Root, "audit", "cloudtrail");

    /// <summary>Each cluster's Kubernetes audit log: <c>{clusterId}.log</c>, JSON Lines.</summary>
    public string KubernetesAudit => Path.Combine(Root, "audit", "kubernetes");

    /// <summary>Written once the server listens: the endpoint URL, so CLI verbs find a running server.</summary>
    public string EndpointFile => Path.Combine(Root, "endpoint");

    /// <summary>The per-user default: <c>$XDG_DATA_HOME/irsa</c> or <c>~/.local/share/irsa</c>.</summary>
    public static string Default()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(baseDir, "irsa");
    }

    public void Create()
    {
        Directory.CreateDirectory(Root);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
