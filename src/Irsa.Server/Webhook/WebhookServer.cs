using System.Net;
using System.Net.Security;
using Irsa.Server.Hosting;
using Irsa.Webhook;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Irsa.Server.Webhook;

/// <summary>
/// The standalone webhook for a real cluster (<c>irsa webhook serve</c>): <c>/mutate</c> and
/// <c>/healthz</c> over HTTPS on <see cref="WebhookServerOptions.Port"/> with a hot-reloaded
/// certificate, <c>/metrics</c> over plain HTTP on <see cref="WebhookServerOptions.MetricsPort"/>,
/// ServiceAccounts watched through the Kubernetes API.
/// </summary>
public sealed class WebhookServer : IAsyncDisposable
{
    private static readonly byte[] NotFoundBody = "404 page not found\n"u8.ToArray();

    private readonly WebApplication _app;
    private readonly List<object> _owned;

    private WebhookServer(WebApplication app, List<object> owned, WebhookMetrics metrics)
    {
        _app = app;
        _owned = owned;
        Metrics = metrics;
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
        {
            var uri = new Uri(address);
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                Port = uri.Port;
            }
            else
            {
                MetricsPort = uri.Port;
            }
        }
    }

    /// <summary>The bound HTTPS port (useful when 0 was asked for).</summary>
    public int Port { get; }

    /// <summary>The bound metrics port.</summary>
    public int MetricsPort { get; }

    /// <summary>The metrics this server publishes.</summary>
    public WebhookMetrics Metrics { get; }

    /// <summary>
    /// Loads the certificate, fills the ServiceAccount cache and binds both listeners.
    /// <paramref name="serviceAccounts"/> replaces the Kubernetes watch (for embedding and tests).
    /// </summary>
    public static async Task<WebhookServer> StartAsync(WebhookServerOptions options, IServiceAccountLookup? serviceAccounts = null,
        Action<ILoggingBuilder>? configureLogging = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = timeProvider ?? TimeProvider.System;
        var owned = new List<object>();
        try
        {
            return await StartCoreAsync(options, serviceAccounts, configureLogging, time, owned, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAllAsync(owned).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Completes when the host stops (SIGINT/SIGTERM or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting connections and lets in-flight requests finish.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        await DisposeAllAsync(_owned).ConfigureAwait(false);
    }

    private static async Task<WebhookServer> StartCoreAsync(WebhookServerOptions options, IServiceAccountLookup? serviceAccounts,
        Action<ILoggingBuilder>? configureLogging, TimeProvider time, List<object> owned, CancellationToken cancellationToken)
    {
        var certificate = new ReloadingCertificate(options.TlsCertificateFile, options.TlsKeyFile);
        owned.Add(certificate);
        var metrics = new WebhookMetrics();

        var builder = SlimHost.CreateBuilder("irsa-webhook", AppContext.BaseDirectory);
        builder.Logging.ClearProviders();
        if (configureLogging is not null)
        {
            configureLogging(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning);
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            Listen(kestrel, options.ListenAddress, options.Port, listen => listen.UseHttps(https =>
            {
                // Asked on every handshake, so a renewed certificate is served on the next connection.
                https.ServerCertificateSelector = (_, _) => certificate.Current;
                if (options.TlsMinimumVersion is { } minimum)
                {
                    https.SslProtocols = minimum;
                }

                if (options.TlsCipherSuites is { Count: > 0 } suites)
                {
                    if (OperatingSystem.IsWindows())
                    {
                        throw new PlatformNotSupportedException("Choosing TLS cipher suites is not supported on Windows.");
                    }

#pragma warning disable CA1416 // Guarded above; the analyzer does not follow the guard into the callback.
                    var policy = new CipherSuitesPolicy(suites);
                    https.OnAuthenticate = (_, ssl) => ssl.CipherSuitesPolicy = policy;
#pragma warning restore CA1416
                }
            }));
            Listen(kestrel, options.ListenAddress, options.MetricsPort, _ => { });
        });

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<WebhookServer>();
        certificate.Reloaded += (_, _) => WebhookLog.CertificateReloaded(log, options.TlsCertificateFile);
        certificate.ReloadFailed += (_, e) => WebhookLog.CertificateReloadFailed(log, options.TlsCertificateFile, e);

        IContainerCredentialsIdentities? identities = null;
        if (options.ContainerCredentialsConfigFile is { Length: > 0 } identitiesPath)
        {
            var file = new ContainerCredentialsConfigFile(identitiesPath, time);
            owned.Add(file);
            file.LoadFailed += (_, e) => WebhookLog.IdentitiesLoadFailed(log, identitiesPath, e);
            file.Start();
            identities = file;
        }

        serviceAccounts ??= await WatchServiceAccountsAsync(options, time, log, owned, cancellationToken).ConfigureAwait(false);
        if (serviceAccounts is KubernetesServiceAccountCache { Store: var watched })
        {
            TrackUse(watched, metrics);
        }
        else if (serviceAccounts is InMemoryServiceAccountStore store)
        {
            TrackUse(store, metrics);
        }

        var mutate = new MutateEndpoint(new PodMutator(options.Webhook), serviceAccounts, identities, metrics, time);
        app.Run(context => Dispatch(context, mutate, metrics));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new WebhookServer(app, owned, metrics);
    }

    /// <summary>Upstream's routes: the webhook on the TLS port, metrics on the plain one, Go's 404 elsewhere.</summary>
    private static Task Dispatch(HttpContext context, MutateEndpoint mutate, WebhookMetrics metrics)
    {
        var response = context.Response;
        switch (context.Request.IsHttps, context.Request.Path.Value)
        {
            case (true, WebhookMetrics.MutatePath):
                return mutate.HandleAsync(context);
            case (true, "/healthz"):
                response.ContentType = "text/plain; charset=utf-8";
                return response.WriteAsync("ok", context.RequestAborted);
            case (false, "/metrics"):
                response.ContentType = PrometheusTextWriter.ContentType;
                return response.WriteAsync(metrics.Render(), context.RequestAborted);
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                response.ContentType = "text/plain; charset=utf-8";
                return response.Body.WriteAsync(NotFoundBody, context.RequestAborted).AsTask();
        }
    }

    private static async Task<IServiceAccountLookup> WatchServiceAccountsAsync(WebhookServerOptions options, TimeProvider time, ILogger log,
        List<object> owned, CancellationToken cancellationToken)
    {
        var client = new k8s.Kubernetes(ClientConfiguration(options));
        owned.Add(client);
        var cache = new KubernetesServiceAccountCache(client, new ServiceAccountAnnotationParser(options.Webhook), time);
        owned.Add(cache);
        cache.Error += (_, e) => WebhookLog.ServiceAccountWatchFailed(log, e);

        // The first list must succeed (upstream exits when its informer cannot sync).
        try
        {
            await cache.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException or System.Text.Json.JsonException)
        {
            throw new InvalidOperationException($"Cannot list ServiceAccounts through the Kubernetes API at {client.BaseUri}: {e.Message}", e);
        }

        return cache;
    }

    /// <summary>Upstream's order: explicit kubeconfig and/or API URL, else in-cluster, else the default kubeconfig.</summary>
    private static KubernetesClientConfiguration ClientConfiguration(WebhookServerOptions options)
    {
        try
        {
            return (options.Kubeconfig, options.MasterUrl, options.InCluster) switch
            {
                // Like client-go's BuildConfigFromFlags(master, ""): the URL alone, no kubeconfig.
                (null, { } master, _) => new KubernetesClientConfiguration { Host = master },
                (not null, var master, _) => KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, masterUrl: master),
                (null, null, true) => KubernetesClientConfiguration.InClusterConfig(),
                (null, null, false) => KubernetesClientConfiguration.BuildDefaultConfig(),
            };
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new InvalidOperationException("Kubernetes client configuration: " + e.Message, e);
        }
    }

    private static void TrackUse(InMemoryServiceAccountStore store, WebhookMetrics metrics)
    {
        store.FirstServiceAccountAdded += (_, _) => metrics.MarkUsed();
        if (store.Count > 0)
        {
            metrics.MarkUsed();
        }
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, IPAddress? address, int port,
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> configure)
    {
        if (address is null)
        {
            // Falls back to IPv4 where IPv6 is disabled (common in containers).
            kestrel.ListenAnyIP(port, configure);
        }
        else
        {
            kestrel.Listen(address, port, configure);
        }
    }

    private static async Task DisposeAllAsync(List<object> owned)
    {
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            switch (owned[i])
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        owned.Clear();
    }
}
