using System.CommandLine;
using System.Net.Security;
using System.Security.Authentication;
using Irsa.Server.Webhook;
using Irsa.Webhook;

namespace Irsa.Cli.Commands.Webhook;

/// <summary>
/// <c>irsa webhook serve</c>: upstream's <c>amazon-eks-pod-identity-webhook</c> with its flag names
/// (plus Irsa's <c>--tls-cert-file</c>/<c>--tls-key-file</c> and <c>--master</c>, with upstream's
/// spellings as aliases). Runs until SIGINT/SIGTERM.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new WebhookOptions();
        var credentialDefaults = new ContainerCredentialsOptions();

        var port = new Option<int>("--port") { Description = "HTTPS port for /mutate and /healthz", DefaultValueFactory = _ => 443 };
        var metricsPort = new Option<int>("--metrics-port") { Description = "Plain-HTTP port for /metrics", DefaultValueFactory = _ => 9999 };
        var tlsCert = new Option<string>("--tls-cert-file", "--tls-cert") { Description = "PEM serving certificate, reloaded when it changes", DefaultValueFactory = _ => "/etc/webhook/certs/tls.crt" };
        var tlsKey = new Option<string>("--tls-key-file", "--tls-key") { Description = "PEM private key of the serving certificate", DefaultValueFactory = _ => "/etc/webhook/certs/tls.key" };
        var tlsMinVersion = new Option<string?>("--tls-min-version") { Description = "Minimum TLS version: 1.0, 1.1, 1.2, 1.3 or VersionTLS10..VersionTLS13" };
        var tlsCipherSuites = new Option<string?>("--tls-cipher-suites") { Description = "Comma-separated IANA cipher-suite names (empty: platform default)" };
        var inCluster = new Option<bool>("--in-cluster") { Description = "Use the pod's in-cluster API credentials unless --kubeconfig or --master is given", DefaultValueFactory = _ => true };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file for out-of-cluster use" };
        var master = new Option<string?>("--master", "--kube-api") { Description = "Kubernetes API server URL (overrides the kubeconfig's)" };
        var annotationPrefix = new Option<string>("--annotation-prefix") { Description = "Prefix of the ServiceAccount and Pod annotations read", DefaultValueFactory = _ => defaults.AnnotationPrefix };
        var tokenAudience = new Option<string>("--token-audience") { Description = "Default audience of web-identity tokens", DefaultValueFactory = _ => defaults.DefaultAudience };
        var tokenMountPath = new Option<string>("--token-mount-path") { Description = "Where the web-identity token volume is mounted", DefaultValueFactory = _ => defaults.MountPath };
        var tokenExpiration = new Option<long>("--token-expiration") { Description = "Default token lifetime in seconds (at least 600)", DefaultValueFactory = _ => defaults.DefaultTokenExpiration };
        var region = new Option<string>("--aws-default-region") { Description = "Inject AWS_DEFAULT_REGION and AWS_REGION with this value (empty: none)", DefaultValueFactory = _ => "" };
        var regionalSts = new Option<bool>("--sts-regional-endpoint") { Description = "Inject AWS_STS_REGIONAL_ENDPOINTS=regional by default" };
        var gracePeriod = new Option<string>("--service-account-lookup-grace-period") { Description = "How long to wait for a ServiceAccount not yet seen (Go duration; 0 disables)", DefaultValueFactory = _ => "0s" };
        var identities = new Option<string?>("--watch-container-credentials-config") { Description = "EKS Pod Identity identities file to watch (empty: feature off)" };
        var ccAudience = new Option<string>("--container-credentials-audience") { Description = "Token audience in container-credentials mode", DefaultValueFactory = _ => credentialDefaults.Audience };
        var ccMountPath = new Option<string>("--container-credentials-token-mount-path") { Description = "Mount path in container-credentials mode", DefaultValueFactory = _ => credentialDefaults.MountPath };
        var ccVolumeName = new Option<string>("--container-credentials-token-volume-name") { Description = "Volume name in container-credentials mode", DefaultValueFactory = _ => credentialDefaults.VolumeName };
        var ccTokenPath = new Option<string>("--container-credentials-token-path") { Description = "Token file name in container-credentials mode", DefaultValueFactory = _ => credentialDefaults.TokenPath };
        var ccFullUri = new Option<string>("--container-credentials-full-uri") { Description = "Value of AWS_CONTAINER_CREDENTIALS_FULL_URI", DefaultValueFactory = _ => credentialDefaults.FullUri };

        // Upstream flags Irsa accepts so existing manifests keep working, but does not act on.
        var watchConfigMap = new Option<bool>("--watch-config-map") { Description = "Ignored: ServiceAccount annotations are the only role source" };
        var composeRoleArn = new Option<bool>("--compose-role-arn") { Description = "Ignored: role-arn annotations must hold full ARNs" };
        var debugging = new Option<bool>("--enable-debugging-handlers") { Description = "Ignored: no debug endpoints are served" };
        var resync = new Option<string?>("--resync-period") { Description = "Ignored: the ServiceAccount watch keeps the cache current" };
        var ns = new Option<string?>("--namespace") { Description = "Ignored (upstream's legacy in-cluster certificate mode)" };
        var serviceName = new Option<string?>("--service-name") { Description = "Ignored (upstream's legacy in-cluster certificate mode)" };
        var tlsSecret = new Option<string?>("--tls-secret") { Description = "Ignored (upstream's legacy in-cluster certificate mode)" };

        var command = new Command("serve", "Serve the admission webhook for a Kubernetes cluster (HTTPS /mutate and /healthz, HTTP /metrics)")
        {
            port, metricsPort, tlsCert, tlsKey, tlsMinVersion, tlsCipherSuites, inCluster, kubeconfig, master, annotationPrefix, tokenAudience,
            tokenMountPath, tokenExpiration, region, regionalSts, gracePeriod, identities, ccAudience, ccMountPath, ccVolumeName, ccTokenPath,
            ccFullUri, watchConfigMap, composeRoleArn, debugging, resync, ns, serviceName, tlsSecret,
        };
        command.SetAction((parse, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            foreach (var ignored in new Option[] { watchConfigMap, composeRoleArn, debugging, resync, ns, serviceName, tlsSecret })
            {
                if (parse.GetResult(ignored) is { Implicit: false })
                {
                    await Console.Error.WriteLineAsync($"irsa: warning: {ignored.Name} is accepted for compatibility and ignored");
                }
            }

            var grace = parse.GetValue(gracePeriod)!;
            if (!GoDuration.TryParse(grace, out var graceValue) || graceValue < TimeSpan.Zero)
            {
                throw new CliError($"--service-account-lookup-grace-period: \"{grace}\" is not a duration such as 0s, 100ms or 2s");
            }

            var options = new WebhookServerOptions
            {
                Port = parse.GetValue(port),
                MetricsPort = parse.GetValue(metricsPort),
                TlsCertificateFile = parse.GetValue(tlsCert)!,
                TlsKeyFile = parse.GetValue(tlsKey)!,
                TlsMinimumVersion = ParseMinimumVersion(parse.GetValue(tlsMinVersion)),
                TlsCipherSuites = ParseCipherSuites(parse.GetValue(tlsCipherSuites)),
                InCluster = parse.GetValue(inCluster),
                Kubeconfig = NullIfEmpty(parse.GetValue(kubeconfig)),
                MasterUrl = NullIfEmpty(parse.GetValue(master)),
                ContainerCredentialsConfigFile = NullIfEmpty(parse.GetValue(identities)),
                Webhook = new WebhookOptions
                {
                    AnnotationPrefix = parse.GetValue(annotationPrefix)!,
                    DefaultAudience = parse.GetValue(tokenAudience)!,
                    MountPath = parse.GetValue(tokenMountPath)!,
                    DefaultTokenExpiration = parse.GetValue(tokenExpiration),
                    Region = parse.GetValue(region)!,
                    DefaultStsRegionalEndpoint = parse.GetValue(regionalSts),
                    ServiceAccountLookupGracePeriod = graceValue,
                    ContainerCredentials = new ContainerCredentialsOptions
                    {
                        Audience = parse.GetValue(ccAudience)!,
                        MountPath = parse.GetValue(ccMountPath)!,
                        VolumeName = parse.GetValue(ccVolumeName)!,
                        TokenPath = parse.GetValue(ccTokenPath)!,
                        FullUri = parse.GetValue(ccFullUri)!,
                    },
                },
            };

            await using var server = await WebhookServer.StartAsync(options, cancellationToken: cancellationToken);
            Console.WriteLine($"Irsa webhook serving /mutate and /healthz on https port {server.Port}, /metrics on http port {server.MetricsPort}");
            await server.WaitForShutdownAsync(cancellationToken);
            return 0;
        }));
        return command;
    }

    private static SslProtocols? ParseMinimumVersion(string? text) => text switch
    {
        null or "" => null,

        // TLS 1.0 and 1.1 are off in current platforms' defaults; allowing them is not offered.
        "1.0" or "VersionTLS10" or "1.1" or "VersionTLS11" => null,
        "1.2" or "VersionTLS12" => SslProtocols.Tls12 | SslProtocols.Tls13,
        "1.3" or "VersionTLS13" => SslProtocols.Tls13,
        _ => throw new CliError($"--tls-min-version: unknown TLS version \"{text}\""),
    };

    private static List<TlsCipherSuite>? ParseCipherSuites(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var suites = new List<TlsCipherSuite>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // Go drops the hash from its ChaCha20 names (TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305); IANA keeps it.
            if (!TryParseSuite(name, out var suite) && !TryParseSuite(name + "_SHA256", out suite))
            {
                throw new CliError($"--tls-cipher-suites: unknown cipher suite \"{name}\"");
            }

            suites.Add(suite);
        }

        return suites;
    }

    // Enum.TryParse also takes numbers; only names are cipher suites here.
    private static bool TryParseSuite(string name, out TlsCipherSuite suite) =>
        Enum.TryParse(name, ignoreCase: false, out suite) && !char.IsAsciiDigit(name[0]);

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
