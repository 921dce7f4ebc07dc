using System.Net;
using Irsa.Node.Agent;
using Irsa.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Irsa.Server.Agent;

/// <summary>
/// The EKS Pod Identity agent over plain HTTP (<c>irsa node agent</c>, and the loopback agent of <c>irsa pod run</c>): every
/// request goes to <see cref="PodIdentityAgent"/>, which owns the checks and the answers.
/// </summary>
public sealed class PodIdentityAgentServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PodIdentityAgentServer(WebApplication app)
    {
        _app = app;
        Addresses = [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];
    }

    /// <summary>The bound addresses (<c>http://127.0.0.1:PORT</c>), useful when port 0 was asked for.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>
    /// Listens on every bind host of <paramref name="options"/> at its port (or, when <paramref name="listenDescriptors"/> are
    /// given, on those listening sockets instead, which it then owns: sockets made in another network namespace) and
    /// serves <paramref name="eksAuth"/>'s credentials.
    /// </summary>
    public static async Task<PodIdentityAgentServer> StartAsync(PodIdentityAgentOptions options, IEksAuthClient eksAuth,
        Action<ILoggingBuilder>? configureLogging = null, TimeProvider? time = null, IReadOnlyList<ulong>? listenDescriptors = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var agent = new PodIdentityAgent(new PodCredentialCache(eksAuth, options, time), options, time);
        var builder = SlimHost.CreateBuilder("irsa-pod-identity-agent", AppContext.BaseDirectory);
        builder.Logging.ClearProviders();
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (listenDescriptors is not null)
            {
                foreach (var descriptor in listenDescriptors)
                {
                    kestrel.ListenHandle(descriptor);
                }

                return;
            }

            foreach (var host in options.BindHosts)
            {
                kestrel.Listen(IPAddress.Parse(host), options.Port);
            }
        });

        var app = builder.Build();
        app.Run(async context =>
        {
            var response = await agent.HandleAsync(context.Request.Path.Value ?? "", context.Request.Headers.Host.ToString(),
                context.Request.Headers.Authorization.ToString(), context.RequestAborted);
            context.Response.StatusCode = response.StatusCode;
            context.Response.ContentType = response.ContentType;
            context.Response.ContentLength = response.Body.Length;
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        return new PodIdentityAgentServer(app);
    }

    /// <summary>Completes when the host stops (SIGINT/SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
