using Microsoft.Extensions.Logging;

namespace Irsa.Server;

/// <summary>How <c>irsa up</c> writes its log lines.</summary>
public enum LogFormat
{
    /// <summary>One human-readable line per event.</summary>
    Text,

    /// <summary>One JSON object per line (event id, category, level, message and its named values), for log shippers.</summary>
    Json,
}

/// <summary>Everything <c>irsa up</c> can be told; validated once at start-up (<see cref="Validate"/>).</summary>
public sealed class IrsaServerOptions
{
    /// <summary>The default listener: loopback only, so a laptop never exposes Irsa by accident.</summary>
    public const string DefaultListenUrl = "http://127.0.0.1:7707";

    /// <summary>Folder holding the embedded store, the master key, the local CA and the client config files.</summary>
    public required string DataDirectory { get; init; }

    /// <summary><c>http://HOST:PORT</c> or <c>https://HOST:PORT</c>; port 0 picks a free port (tests).</summary>
    public IReadOnlyList<string> ListenUrls { get; init; } = [DefaultListenUrl];

    /// <summary>The base URL clients and relying parties use; defaults to the first listener's actual address.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>
    /// <c>https://HOST:PORT</c> of the listener that serves every cluster's Kubernetes API (<c>/k8s/{ID}</c>), always over
    /// HTTPS with a certificate of the local CA, the one DescribeCluster publishes: kubectl sends credentials over TLS
    /// only. Default: the first listener's host, its port + 1 (an ephemeral port when that port is 0).
    /// </summary>
    public string? KubernetesListenUrl { get; init; }

    /// <summary>The listener URL of the clusters' Kubernetes API: <see cref="KubernetesListenUrl"/>, else its default.</summary>
    public string EffectiveKubernetesListenUrl
    {
        get
        {
            if (KubernetesListenUrl is { } configured)
            {
                return configured;
            }

            var first = new Uri(ListenUrls.Count > 0 ? ListenUrls[0] : DefaultListenUrl);
            var port = first.Port == 0 ? 0 : first.Port + 1;
            return $"https://{first.Host}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }
    }

    public string Region { get; init; } = "us-east-1";

    /// <summary>Pins the bootstrap account id on first start; ignored afterwards.</summary>
    public string? AccountId { get; init; }

    /// <summary>PEM certificate and key for HTTPS listeners; when absent, the local CA in the data folder issues one.</summary>
    public string? TlsCertificateFile { get; init; }

    public string? TlsKeyFile { get; init; }

    /// <summary>PostgreSQL connection string; when absent the embedded SQLite store is used.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Master key (base64) from the environment; otherwise the key file in the data folder.</summary>
    public string? MasterKeyBase64 { get; init; }

    /// <summary>
    /// How long a rotated-in signing key is published before it signs. 0 suits development; in production use at
    /// least the JWKS max-age (1 h) so relying parties have fetched the new key before they meet it.
    /// </summary>
    public TimeSpan KeyPrePublishDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// The default cap on service-account token lifetimes: 48 h. A token requested for longer is issued for the cap
    /// (kube-apiserver's semantics, with a warning), so a leaked token that is not bound to a pod dies within two days;
    /// clients refresh at 80 % of the lifetime, so only tokens asked for longer than the cap see more refreshes.
    /// </summary>
    public static readonly TimeSpan DefaultMaxTokenExpiration = TimeSpan.FromHours(48);

    /// <summary>kube-apiserver's <c>--service-account-max-token-expiration</c>; zero means unlimited (not recommended).</summary>
    public TimeSpan MaxTokenExpiration { get; init; } = DefaultMaxTokenExpiration;

    /// <summary>How long the CloudTrail trail keeps records, log files and digests (CloudTrail's LookupEvents window is 90 days).</summary>
    public TimeSpan AuditRetention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long after an answered call its trail record may wait for an fsync (it is committed, so it survives a killed
    /// process, before the call is answered); <c>null</c>: fsync before answering, so records also survive a power loss.
    /// </summary>
    public TimeSpan? AuditSyncInterval { get; init; } = Irsa.Audit.Journal.AuditTrailOptions.DefaultSyncInterval;

    /// <summary>Whether AWS calls are recorded in the CloudTrail trail. Off only to measure what the trail costs.</summary>
    public bool AuditTrail { get; init; } = true;

    /// <summary>The least severe level logged for Irsa's own categories; ASP.NET Core's stay at Warning or above.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>The standard OTLP variable; the exporter reads it (and the other <c>OTEL_EXPORTER_OTLP_*</c> settings) itself.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Whether traces and metrics are exported over OTLP (to the endpoint in <see cref="OtlpEndpointVariable"/>).</summary>
    public bool OtlpExport { get; init; }

    /// <summary>Collects every problem at once, so a misconfigured start reports all of them.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ListenUrls.Count == 0)
        {
            errors.Add("at least one --listen URL is required");
        }

        foreach (var url in ListenUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.AbsolutePath != "/")
            {
                errors.Add($"--listen '{url}' must look like http://HOST:PORT or https://HOST:PORT");
            }
        }

        if (KubernetesListenUrl is not null && (!Uri.TryCreate(KubernetesListenUrl, UriKind.Absolute, out var kubernetes) || kubernetes.Scheme != "https"
            || kubernetes.AbsolutePath != "/"))
        {
            errors.Add($"--kubernetes-listen '{KubernetesListenUrl}' must look like https://HOST:PORT");
        }

        if (AuditRetention < TimeSpan.FromDays(1))
        {
            errors.Add("--audit-retention-days must be at least 1");
        }

        if (AuditSyncInterval is { } sync && (sync <= TimeSpan.Zero || sync > TimeSpan.FromMinutes(1)))
        {
            errors.Add("--audit-sync-ms must be between 0 (fsync before every answer) and 60000");
        }

        if (PublicUrl is not null && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var publicUri) || (publicUri.Scheme != "http" && publicUri.Scheme != "https") || !string.IsNullOrEmpty(publicUri.Query)))
        {
            errors.Add($"--public-url '{PublicUrl}' must be an absolute http(s) URL without a query");
        }

        if (AccountId is not null && !Core.Aws.AwsIds.IsAccountId(AccountId))
        {
            errors.Add($"--account-id '{AccountId}' must be 12 digits");
        }

        if (string.IsNullOrWhiteSpace(Region) || !System.Text.RegularExpressions.Regex.IsMatch(Region, "^[a-z0-9-]{1,32}$"))
        {
            errors.Add($"--region '{Region}' is not a region name");
        }

        if (MaxTokenExpiration != TimeSpan.Zero && (MaxTokenExpiration < TimeSpan.FromHours(1) || MaxTokenExpiration.TotalSeconds > 1L << 32))
        {
            // kube-apiserver's own bound for --service-account-max-token-expiration.
            errors.Add("--max-token-expiration-seconds must be 0 (unlimited) or between 3600 and 2^32");
        }

        if ((TlsCertificateFile is null) != (TlsKeyFile is null))
        {
            errors.Add("--tls-cert-file and --tls-key-file go together");
        }

        return errors;
    }
}
