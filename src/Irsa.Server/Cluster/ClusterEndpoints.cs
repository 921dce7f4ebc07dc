using Irsa.Cluster.Discovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Irsa.Server.Cluster;

/// <summary>The public, unauthenticated face of each cluster's issuer: OIDC discovery and the JWKS.</summary>
internal static class ClusterEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/id/{clusterId}/.well-known/openid-configuration", (string clusterId, HttpContext context) =>
            ServeAsync(context, clusterId, discovery: true));
        app.MapGet("/id/{clusterId}/keys", (string clusterId, HttpContext context) =>
            ServeAsync(context, clusterId, discovery: false));
    }

    private static async Task ServeAsync(HttpContext context, string clusterId, bool discovery)
    {
        var clusters = context.RequestServices.GetRequiredService<ClusterService>();
        var cluster = await clusters.FindByIdAsync(clusterId, context.RequestAborted);
        if (cluster is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        var (discoveryBytes, jwksBytes) = clusters.DiscoveryDocuments(cluster);
        context.Response.Headers.CacheControl = DiscoveryHttp.CacheControl;
        context.Response.ContentType = discovery ? DiscoveryHttp.DiscoveryContentType : DiscoveryHttp.JwksContentType;
        var body = discovery ? discoveryBytes : jwksBytes;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
