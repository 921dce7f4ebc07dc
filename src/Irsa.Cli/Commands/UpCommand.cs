using System.CommandLine;
using Irsa.Server;
using Irsa.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Irsa.Cli.Commands;

/// <summary><c>irsa up</c>: runs the server in the foreground until SIGINT/SIGTERM.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var listen = new Option<string[]>("--listen") { Description = "Listener URL, repeatable (http://HOST:PORT or https://HOST:PORT)", AllowMultipleArgumentsPerToken = true };
        var publicUrl = new Option<string?>("--public-url") { Description = "Base URL clients and relying parties use (default: the first listener)" };
        var kubernetesListen = new Option<string?>("--kubernetes-listen") { Description = "HTTPS listener of the clusters' Kubernetes API (https://HOST:PORT; certificate from the local CA, which DescribeCluster publishes). Default: the first listener's host, port + 1" };
        var region = new Option<string>("--region") { Description = "Region reported to clients", DefaultValueFactory = _ => "us-east-1" };
        var accountId = new Option<string?>("--account-id") { Description = "The account this start bootstraps (its admin user and key written to the data folder); an id not seen before adds that account beside the existing ones" };
        var tlsCert = new Option<string?>("--tls-cert-file") { Description = "PEM certificate for https listeners (default: issued by the local CA)" };
        var tlsKey = new Option<string?>("--tls-key-file") { Description = "PEM private key for --tls-cert-file" };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string (default: $IRSA_POSTGRES, else embedded SQLite)" };
        var maxExpiration = new Option<long>("--max-token-expiration-seconds") { Description = "Cap on service-account token lifetimes, like kube-apiserver's --service-account-max-token-expiration: longer requests are shortened to it. Default 172800 (48 h): a leaked token not bound to a pod dies within two days; raise it only for clients that cannot refresh (0 = unlimited)", DefaultValueFactory = _ => (long)IrsaServerOptions.DefaultMaxTokenExpiration.TotalSeconds };
        var auditRetention = new Option<int>("--audit-retention-days") { Description = "Keep CloudTrail records, log files and digests this many days (>= 1)", DefaultValueFactory = _ => 90 };
        var auditSync = new Option<int>("--audit-sync-ms") { Description = "Fsync the trail's journal at most this long after a call was answered (its record is committed before the answer, so it survives a killed process; this bounds what a power loss can take). 0 = fsync before every answer: power-loss safe, each call waits for the disk", DefaultValueFactory = _ => (int)Irsa.Audit.Journal.AuditTrailOptions.DefaultSyncInterval.TotalMilliseconds };
        var noAudit = new Option<bool>("--no-audit-trail") { Description = "Record no CloudTrail trail (only to measure what the trail costs; never in production)" };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Least severe level logged for Irsa's own events (Trace, Debug, Information, Warning, Error, Critical, None); ASP.NET Core's stay at Warning or above", DefaultValueFactory = _ => LogLevel.Information };
        var logFormat = new Option<LogFormat>("--log-format") { Description = "Log lines on stderr as text or json (one JSON object per line)", DefaultValueFactory = _ => LogFormat.Text };
        var prePublish = new Option<int>("--key-prepublish-seconds") { Description = "Publish rotated signing keys this long before they sign (production: >= 3600)", DefaultValueFactory = _ => 0 };

        var command = new Command("up", "Start the Irsa server (every API on every listener)")
        {
            listen, publicUrl, kubernetesListen, region, accountId, tlsCert, tlsKey, postgres, prePublish, maxExpiration, auditRetention, auditSync, noAudit, logLevel, logFormat,
        };
        command.SetAction((parse, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            var listeners = parse.GetValue(listen) is { Length: > 0 } l ? l : [IrsaServerOptions.DefaultListenUrl];
            var options = new IrsaServerOptions
            {
                DataDirectory = CliEnvironment.DataDirectory(parse),
                ListenUrls = listeners,
                PublicUrl = parse.GetValue(publicUrl),
                KubernetesListenUrl = parse.GetValue(kubernetesListen),
                Region = parse.GetValue(region)!,
                AccountId = parse.GetValue(accountId),
                TlsCertificateFile = parse.GetValue(tlsCert),
                TlsKeyFile = parse.GetValue(tlsKey),
                PostgresConnectionString = parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("IRSA_POSTGRES"),
                MasterKeyBase64 = Environment.GetEnvironmentVariable(Core.Security.MasterKey.EnvironmentVariable),
                KeyPrePublishDelay = TimeSpan.FromSeconds(parse.GetValue(prePublish)),
                MaxTokenExpiration = TimeSpan.FromSeconds(parse.GetValue(maxExpiration)),
                AuditRetention = TimeSpan.FromDays(parse.GetValue(auditRetention)),
                AuditSyncInterval = parse.GetValue(auditSync) is 0 ? null : TimeSpan.FromMilliseconds(parse.GetValue(auditSync)),
                AuditTrail = !parse.GetValue(noAudit),
                LogLevel = parse.GetValue(logLevel),
                LogFormat = parse.GetValue(logFormat),
                OtlpExport = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(IrsaServerOptions.OtlpEndpointVariable)),
            };

            await using var server = await IrsaServer.StartAsync(options, cancellationToken: cancellationToken);
            var data = new DataDirectory(options.DataDirectory);
            Console.WriteLine($"Irsa is up at {server.Context.PublicUrl} (account {server.Context.AccountId}, region {options.Region})");
            Console.WriteLine($"Clusters' Kubernetes API (HTTPS): {server.Context.KubernetesUrl}/k8s/{{ID}}");
            Console.WriteLine($"Data folder: {data.Root}");
            Console.WriteLine("Use the AWS CLI against it:");
            Console.Write(ClientConfigFiles.ShellExports(data));
            await server.WaitForShutdownAsync(cancellationToken);
            return 0;
        }));
        return command;
    }
}
