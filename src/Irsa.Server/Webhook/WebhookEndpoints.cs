using Irsa.Kubernetes;
using Irsa.Server.Hosting;
using Irsa.Server.Telemetry;
using Irsa.Storage;
using Irsa.Webhook;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Irsa.Server.Webhook;

/// <summary>
/// The webhook inside <c>irsa up</c>: in-process admission for Irsa clusters' pods, plus
/// <c>/mutate</c> and <c>/metrics</c> at the server root.
/// </summary>
/// <remarks>
/// <c>/mutate</c> at the root has no cluster context, so it answers from an
/// <see cref="InMemoryServiceAccountStore"/> (registered as a singleton; an embedding host seeds
/// it through <c>IrsaServer.Services</c>). Unseeded, it allows every pod unchanged. For a real
/// cluster run <c>irsa webhook serve</c>; Irsa's own clusters are admitted in-process.
/// </remarks>
public static class WebhookEndpoints
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<WebhookMetrics>();
        services.AddSingleton<IrsaMetrics>();
        services.AddSingleton(sp => WebhookPodAdmission.InServerOptions(sp.GetRequiredService<ServerContext>().Region));
        services.AddSingleton(sp => new InMemoryServiceAccountStore(new ServiceAccountAnnotationParser(sp.GetRequiredService<WebhookOptions>()),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new MutateEndpoint(new PodMutator(sp.GetRequiredService<WebhookOptions>()),
            sp.GetRequiredService<InMemoryServiceAccountStore>(), identities: null, sp.GetRequiredService<WebhookMetrics>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new WebhookPodAdmission(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<WebhookOptions>(),
            sp.GetRequiredService<WebhookMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<Cluster.PodIdentityAssociations>()));

        // Registered after the pass-through default, so this one is what IPodAdmission resolves to.
        services.AddSingleton<IPodAdmission>(sp => sp.GetRequiredService<WebhookPodAdmission>());
    }

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var mutate = app.Services.GetRequiredService<MutateEndpoint>();
        var metrics = app.Services.GetRequiredService<WebhookMetrics>();
        var irsaMetrics = app.Services.GetRequiredService<IrsaMetrics>();

        // Any method, as upstream; the AWS fallback never sees /mutate.
        app.Map(WebhookMetrics.MutatePath, mutate.HandleAsync);
        app.MapGet("/metrics", (HttpContext context) =>
        {
            // The webhook's upstream-named families first, then Irsa's meter (Telemetry/IrsaMetrics.cs says why not OTel's exporter).
            var writer = new PrometheusTextWriter();
            metrics.Render(writer);
            irsaMetrics.Render(writer);
            context.Response.ContentType = PrometheusTextWriter.ContentType;
            return context.Response.WriteAsync(writer.ToString(), context.RequestAborted);
        });
    }
}
