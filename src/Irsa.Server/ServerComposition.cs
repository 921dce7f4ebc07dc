using Irsa.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Irsa.Server;

/// <summary>
/// The one place that lists Irsa's parts: which services exist, which endpoints they answer, and what runs
/// on first start. Reading this file top to bottom is reading the request flow.
/// </summary>
internal static class ServerComposition
{
    public static void AddServices(IServiceCollection services)
    {
    }

    public static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
    }

    public static Task BootstrapAsync(IServiceProvider services, IrsaServerOptions options, CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<ServerContext>();
        _ = options;
        _ = cancellationToken;
        return Task.CompletedTask;
    }
}
