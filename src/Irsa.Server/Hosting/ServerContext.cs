namespace Irsa.Server.Hosting;

/// <summary>Facts about this running server that handlers need: where it is reachable, its region and bootstrap account.</summary>
public sealed class ServerContext
{
    private string? _publicUrl;

    public required string Region { get; init; }

    public required DataDirectory Data { get; init; }

    /// <summary>The account created on first start; the admin's account.</summary>
    public string AccountId { get; internal set; } = "";

    /// <summary>The local CA's certificate (PEM); clusters publish it as their <c>certificateAuthority.data</c>.</summary>
    public string CertificateAuthorityPem { get; internal set; } = "";

    /// <summary>Base URL without a trailing slash, known once the listeners are bound (port 0 resolves late).</summary>
    public string PublicUrl => _publicUrl ?? throw new InvalidOperationException("The server is not listening yet.");

    internal void SetPublicUrl(string url) => _publicUrl = url.TrimEnd('/');

    private string? _kubernetesUrl;

    /// <summary>
    /// Base URL of the clusters' Kubernetes API (<c>https://HOST:PORT</c>, no trailing slash): each cluster's endpoint is
    /// <c>{KubernetesUrl}/k8s/{ID}</c>. Known once the listeners are bound.
    /// </summary>
    public string KubernetesUrl => _kubernetesUrl ?? throw new InvalidOperationException("The server is not listening yet.");

    /// <summary>The local port of the Kubernetes API listener: only it serves <c>/k8s/</c>, and it serves nothing else.</summary>
    public int KubernetesPort { get; private set; } = -1;

    internal void SetKubernetesUrl(string url, int port)
    {
        _kubernetesUrl = url.TrimEnd('/');
        KubernetesPort = port;
    }
}
