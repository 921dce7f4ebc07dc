using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Irsa.Server.Telemetry;

/// <summary>
/// OTLP export of Irsa's spans and metrics (plus ASP.NET Core, HttpClient and runtime instrumentation). Registered only
/// when an OTLP endpoint is configured, so a server that exports nothing pays nothing at startup or per request.
/// </summary>
internal static class OpenTelemetryExport
{
    public static void Add(IServiceCollection services, string version)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("irsa", serviceVersion: version))
            .WithTracing(tracing => tracing
                .AddSource(IrsaTelemetry.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(IrsaTelemetry.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddOtlpExporter());
    }
}
