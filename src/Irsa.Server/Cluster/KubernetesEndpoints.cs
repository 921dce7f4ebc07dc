using Irsa.Kubernetes;
using Irsa.Server.Hosting;
using Irsa.Server.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Irsa.Server.Cluster;

/// <summary>
/// Binds the clusters' Kubernetes API (<see cref="KubernetesApi"/>, the Irsa.Kubernetes library) to HTTP under
/// <c>/k8s/{clusterId}</c>: the request becomes a <see cref="KubernetesHttpRequest"/>, the answer is written as-is.
/// </summary>
internal static class KubernetesEndpoints
{
    public static void AddServices(IServiceCollection services)
    {
        // A real admission (the pod-identity webhook) registered anywhere replaces this default.
        services.TryAddSingleton<IPodAdmission, PassThroughPodAdmission>();
        services.TryAddSingleton(new KubernetesAuditOptions());
        services.TryAddSingleton<IKubernetesAuditSink>(sp => new FileKubernetesAuditSink(
            sp.GetRequiredService<ServerContext>().Data.KubernetesAudit, sp.GetRequiredService<KubernetesAuditOptions>()));
        services.AddSingleton<PodPresenceCache>();
        services.AddSingleton<IKubernetesClusterDirectory, KubernetesClusterDirectory>();
        services.AddSingleton<KubernetesApi>();
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/k8s/{clusterId}", HandleAsync);
        app.Map("/k8s/{clusterId}/{**path}", HandleAsync);
    }

    private static async Task HandleAsync(HttpContext context)
    {
        if (context.Connection.LocalPort != context.RequestServices.GetRequiredService<ServerContext>().KubernetesPort)
        {
            await ServerComposition.NotFoundAsync(context);
            return;
        }

        using var activity = IrsaTelemetry.StartKubernetesRequest();
        var clusterId = (string)context.GetRouteValue("clusterId")!;
        var request = new KubernetesHttpRequest
        {
            Method = context.Request.Method,
            Path = "/" + (context.GetRouteValue("path") as string ?? ""),
            PathBase = context.Request.PathBase + "/k8s/" + clusterId,
            Query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : "",
            Headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Body = context.Request.Body,
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
        };
        await context.RequestServices.GetRequiredService<KubernetesApi>().HandleAsync(
            clusterId, request, new HttpResponseWriter(context.Response), context.RequestAborted);
        IrsaTelemetry.KubernetesRequestAnswered(activity, clusterId, request.Method, request.Path, context.Response.StatusCode);
    }

    private sealed class HttpResponseWriter(HttpResponse http) : IKubernetesResponseWriter
    {
        public async Task WriteAsync(KubernetesHttpResponse response, CancellationToken cancellationToken)
        {
            http.StatusCode = response.StatusCode;
            foreach (var (name, value) in response.Headers)
            {
                http.Headers.Append(name, value);
            }

            http.ContentLength = response.Body.Length;
            await http.Body.WriteAsync(response.Body, cancellationToken);
        }

        public async Task<Stream> StartStreamAsync(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
        {
            http.StatusCode = statusCode;
            foreach (var (name, value) in headers)
            {
                http.Headers.Append(name, value);
            }

            // A watch: no length, chunked, each event flushed by the API as it is written.
            http.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
            await http.StartAsync(cancellationToken);
            return http.Body;
        }
    }
}
