using System.Security.Authentication;
using Irsa.Webhook;

namespace Irsa.Server.Webhook;

/// <summary>Settings of the standalone webhook (<c>irsa webhook serve</c>); each mirrors an upstream flag.</summary>
public sealed class WebhookServerOptions
{
    /// <summary>HTTPS port for <c>/mutate</c> and <c>/healthz</c> (<c>--port</c>); 0 picks a free port.</summary>
    public int Port { get; init; } = 443;

    /// <summary>Plain-HTTP port for <c>/metrics</c> (<c>--metrics-port</c>); 0 picks a free port.</summary>
    public int MetricsPort { get; init; } = 9999;

    /// <summary>Address both listeners bind; null (the default) is every interface, as upstream.</summary>
    public System.Net.IPAddress? ListenAddress { get; init; }

    /// <summary>PEM serving certificate, re-read when it changes (<c>--tls-cert-file</c>).</summary>
    public required string TlsCertificateFile { get; init; }

    /// <summary>PEM private key of <see cref="TlsCertificateFile"/> (<c>--tls-key-file</c>).</summary>
    public required string TlsKeyFile { get; init; }

    /// <summary>Lowest TLS version accepted (<c>--tls-min-version</c>); null means the platform default.</summary>
    public SslProtocols? TlsMinimumVersion { get; init; }

    /// <summary>Allowed cipher suites (<c>--tls-cipher-suites</c>); null or empty means the platform default.</summary>
    public IReadOnlyList<System.Net.Security.TlsCipherSuite>? TlsCipherSuites { get; init; }

    /// <summary>The mutation engine's settings (annotation prefix, audience, mount path, region, ...).</summary>
    public WebhookOptions Webhook { get; init; } = new();

    /// <summary>The container-credentials identities file (<c>--watch-container-credentials-config</c>); null turns the mode off.</summary>
    public string? ContainerCredentialsConfigFile { get; init; }

    /// <summary>kubeconfig path for out-of-cluster use (<c>--kubeconfig</c>).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>API server URL (<c>--master</c>, upstream <c>--kube-api</c>).</summary>
    public string? MasterUrl { get; init; }

    /// <summary>
    /// Use the pod's in-cluster service-account credentials when neither <see cref="Kubeconfig"/>
    /// nor <see cref="MasterUrl"/> is set (<c>--in-cluster</c>); otherwise the default kubeconfig.
    /// </summary>
    public bool InCluster { get; init; } = true;

    /// <summary>How long in-flight requests may finish on shutdown (upstream: 10 s).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
