using System.Net;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using Irsa.Audit.Journal;
using Irsa.Core.Security;
using Irsa.Server.Hosting;
using Irsa.Server.Telemetry;
using Irsa.Storage;
using Irsa.Storage.Postgres;
using Irsa.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Irsa.Server;

/// <summary>
/// The one Irsa process: every API (IAM, STS, EKS, the clusters' Kubernetes APIs, OIDC discovery, the webhook)
/// on every listener. <see cref="StartAsync"/> returns once the listeners are bound and the store is ready.
/// </summary>
public sealed class IrsaServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ILogger _logger;

    private IrsaServer(WebApplication app, ServerContext context, ILogger logger)
    {
        _app = app;
        Context = context;
        _logger = logger;
    }

    public ServerContext Context { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<IrsaServer> StartAsync(IrsaServerOptions options, Action<ILoggingBuilder>? configureLogging = null,
        CancellationToken cancellationToken = default)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration:\n  " + string.Join("\n  ", problems));
        }

        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        var data = new DataDirectory(options.DataDirectory);
        data.Create();
        var protector = new SecretProtector(MasterKey.Load(data.MasterKey, options.MasterKeyBase64));
        var authority = LocalCertificateAuthority.LoadOrCreate(data, protector, time);
        var context = new ServerContext { Region = options.Region, Data = data, CertificateAuthorityPem = authority.CertificatePem };

        SqlDialect dialect = options.PostgresConnectionString is { } postgres ? new PostgresDialect(postgres) : new SqliteDialect(data.Database);
        var store = await SqlDocumentStore.OpenAsync(dialect, cancellationToken);

        var builder = SlimHost.CreateBuilder("irsa", data.Root);
        builder.Logging.ClearProviders();
        if (configureLogging is not null)
        {
            configureLogging(builder.Logging);
        }
        else
        {
            AddConsoleLogging(builder.Logging, options);
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? kubernetesListener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The largest body any endpoint accepts: kube-apiserver's 3 MiB request limit (Kubernetes API writes and the
            // webhook's AdmissionReviews, which carry an object and its old version) with headroom. AWS calls have their
            // own, smaller limits per operation (Aws/AwsOperation.cs), checked before anything is buffered; S3 rows, which
            // stream what they store, raise it per request.
            kestrel.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
            // S3 user metadata (x-amz-meta-*) is sent as raw bytes that are not always UTF-8; Latin-1 keeps every byte, in
            // and back out.
            kestrel.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
            kestrel.ResponseHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
            X509Certificate2? serving = null;
            foreach (var url in options.ListenUrls)
            {
                var uri = new Uri(url);
                var endpoint = ResolveEndpoint(uri);
                kestrel.Listen(endpoint, listen =>
                {
                    if (uri.Scheme == "https")
                    {
                        serving ??= LoadServingCertificate(options, authority, time);
                        listen.UseHttps(https =>
                        {
                            https.ServerCertificate = serving;
                            // Send the local CA with the leaf: relying parties that pin a thumbprint (IAM OIDC
                            // providers) pin the top certificate of the chain the server presents.
                            if (options.TlsCertificateFile is null)
                            {
                                https.ServerCertificateChain = [authority.Intermediate];
                            }
                        });
                    }
                });
            }

            // The clusters' Kubernetes API: its own HTTPS listener, certificate always from the local CA (the CA
            // DescribeCluster publishes), whatever the AWS listeners use.
            var kubernetesUri = new Uri(options.EffectiveKubernetesListenUrl);
            kestrel.Listen(ResolveEndpoint(kubernetesUri), listen =>
            {
                kubernetesListener = listen;
                var certificate = authority.IssueServerCertificate(KubernetesCertificateHosts(options, kubernetesUri), time);
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    https.ServerCertificateChain = [authority.Intermediate];
                });
            });
        });

        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(context);
        builder.Services.AddSingleton(protector);
        builder.Services.AddSingleton<IDocumentStore>(store);
        builder.Services.AddSingleton(options);
        if (options.AuditTrail)
        {
            builder.Services.AddSingleton(AuditTrail.Open(new AuditTrailOptions
            {
                Directory = data.CloudTrail,
                HomeRegion = options.Region,
                Retention = options.AuditRetention,
                SyncInterval = options.AuditSyncInterval,
            }, protector, time));
        }

        ServerComposition.AddServices(builder.Services);
        if (options.OtlpExport)
        {
            OpenTelemetryExport.Add(builder.Services, Version);
        }

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IrsaServer).FullName!);
        ServerLog.Starting(logger, Version, data.Root, options.PostgresConnectionString is null ? "SQLite" : "PostgreSQL");
        if (options.OtlpExport)
        {
            ServerLog.OtlpEnabled(logger);
        }
        if (options.AuditTrail)
        {
            AuditLog.TrailOpened(logger, data.CloudTrail, options.AuditRetention.TotalDays);
        }

        ServerComposition.MapEndpoints(app);
        app.Lifetime.ApplicationStopping.Register(() => ServerLog.Stopping(logger));

        await app.StartAsync(cancellationToken);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        foreach (var address in addresses)
        {
            ServerLog.ListenerBound(logger, address);
        }

        var bound = addresses.First();
        context.SetPublicUrl(options.PublicUrl ?? bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        ServerLog.PublicUrl(logger, context.PublicUrl);
        var kubernetesPort = kubernetesListener!.IPEndPoint!.Port;
        context.SetKubernetesUrl($"https://{KubernetesPublicHost(options, context.PublicUrl)}:{kubernetesPort}", kubernetesPort);
        ServerLog.KubernetesUrl(logger, context.KubernetesUrl);
        await ServerComposition.BootstrapAsync(app.Services, options, cancellationToken);
        ServerLog.Bootstrapped(logger, context.AccountId, data.Root);
        // Written whole, then renamed: whoever polls for this file never reads it half written.
        File.WriteAllText(data.EndpointFile + ".tmp", context.PublicUrl + "\n");
        File.Move(data.EndpointFile + ".tmp", data.EndpointFile, overwrite: true);
        var elapsed = (long)time.GetElapsedTime(started).TotalMilliseconds;
        ServerLog.Ready(logger, elapsed);
        return new IrsaServer(app, context, logger);
    }

    /// <summary>The informational version of this build (what <c>irsa --version</c> reports).</summary>
    private static string Version =>
        typeof(IrsaServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// <c>irsa up</c>'s console logging: Irsa's categories at <see cref="IrsaServerOptions.LogLevel"/>, the framework's
    /// (Microsoft.*, System.*) at Warning at least, so a Debug run shows Irsa's decisions rather than Kestrel's chatter.
    /// </summary>
    private static void AddConsoleLogging(ILoggingBuilder logging, IrsaServerOptions options)
    {
        if (options.LogFormat == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }

        // Every log line goes to stderr: stdout stays what `irsa up` prints for people and scripts (its URL, the exports).
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var framework = options.LogLevel > LogLevel.Warning ? options.LogLevel : LogLevel.Warning;
        logging.SetMinimumLevel(options.LogLevel)
            .AddFilter("Microsoft", framework)
            .AddFilter("System", framework);
    }

    /// <summary>Completes when the host stops (SIGINT/SIGTERM or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting connections, lets in-flight requests finish, then closes the store.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>The files a graceful stop closed go to the trail's bucket now; what fails is delivered on the next start.</summary>
    private async Task DeliverAsync(AuditTrail trail)
    {
        try
        {
            await trail.DeliverToBucketsAsync();
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or Irsa.Core.Aws.AwsErrorException)
        {
            AuditLog.DeliveryDeferred(_logger, exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var store = _app.Services.GetRequiredService<IDocumentStore>();
        var trail = _app.Services.GetService<AuditTrail>();
        await _app.DisposeAsync();
        if (trail is not null)
        {
            // A graceful stop closes the current log files and writes their digests: nothing waits for the hour to end.
            await trail.CloseCurrentAsync();
            await DeliverAsync(trail);
            await trail.DisposeAsync();
            AuditLog.Closed(_logger);
        }

        // The endpoint file means "a server is running here"; a stopped server must not leave it behind.
        File.Delete(Context.Data.EndpointFile);
        await store.DisposeAsync();

        // The console logger's queue is drained by now; a line logged after it closed is written synchronously.
        ServerLog.Stopped(_logger);
    }

    private static IPEndPoint ResolveEndpoint(Uri uri)
    {
        var port = uri.Port;
        var host = uri.Host.Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, port)
            : new IPEndPoint(Dns.GetHostAddresses(host).First(), port);
    }

    /// <summary>
    /// The host clusters' endpoints name: the public URL's host (so a name given with <c>--public-url</c> is the one
    /// kubectl checks), else the Kubernetes listener's host (a wildcard address becomes loopback).
    /// </summary>
    private static string KubernetesPublicHost(IrsaServerOptions options, string publicUrl)
    {
        if (options.PublicUrl is not null || options.KubernetesListenUrl is null)
        {
            return new Uri(publicUrl).Host;
        }

        var host = new Uri(options.KubernetesListenUrl).Host;
        return host switch { "0.0.0.0" => "127.0.0.1", "[::]" => "[::1]", _ => host };
    }

    /// <summary>Names the Kubernetes API certificate covers: its listener, the AWS listeners and the public host (and loopback).</summary>
    private static IEnumerable<string> KubernetesCertificateHosts(IrsaServerOptions options, Uri kubernetes) =>
        options.ListenUrls.Select(u => new Uri(u).Host)
            .Append(kubernetes.Host)
            .Concat(options.PublicUrl is { } p ? [new Uri(p).Host] : [])
            .Where(h => h is not ("0.0.0.0" or "[::]"));

    private static X509Certificate2 LoadServingCertificate(IrsaServerOptions options, LocalCertificateAuthority authority, TimeProvider time)
    {
        if (options.TlsCertificateFile is { } certFile && options.TlsKeyFile is { } keyFile)
        {
            using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        var hosts = options.ListenUrls.Select(u => new Uri(u).Host)
            .Concat(options.PublicUrl is { } p ? [new Uri(p).Host] : [])
            .Where(h => h is not ("0.0.0.0" or "[::]"));
        return authority.IssueServerCertificate(hosts, time);
    }
}
