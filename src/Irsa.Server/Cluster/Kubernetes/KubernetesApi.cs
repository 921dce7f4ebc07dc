using Irsa.Cluster.Errors;
using Irsa.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Irsa.Server.Cluster.Kubernetes;

/// <summary>
/// Each cluster's Kubernetes API under <c>/k8s/{clusterId}</c>: discovery, namespaces, service accounts (with the
/// TokenRequest subresource), pods and TokenReview, answering unmodified clients such as kubectl.
/// </summary>
/// <remarks>
/// Request flow: find the cluster → authenticate the bearer token (<see cref="KubernetesRequestAuthenticator"/>) →
/// route the path (<see cref="KubernetesRoute"/>) → authorize (<see cref="KubernetesAuthorizer"/>) → the resource's
/// handler. Every failure is a Kubernetes <c>Status</c>; handlers validate before they write, and write in one
/// transaction, so a failed request leaves the store as it was.
/// </remarks>
internal sealed class KubernetesApi(
    ClusterService clusters,
    KubernetesRequestAuthenticator authenticator,
    DiscoveryHandler discovery,
    NamespaceHandler namespaces,
    ServiceAccountHandler serviceAccounts,
    TokenRequestHandler tokenRequests,
    PodHandler pods,
    TokenReviewHandler tokenReviews)
{
    public static void AddServices(IServiceCollection services)
    {
        // A real admission (the pod-identity webhook) registered anywhere replaces this default.
        services.TryAddSingleton<IPodAdmission, PassThroughPodAdmission>();
        services.AddSingleton<KubernetesRequestAuthenticator>();
        services.AddSingleton<DiscoveryHandler>();
        services.AddSingleton<NamespaceHandler>();
        services.AddSingleton<ServiceAccountHandler>();
        services.AddSingleton<TokenRequestHandler>();
        services.AddSingleton<PodHandler>();
        services.AddSingleton<TokenReviewHandler>();
        services.AddSingleton<KubernetesApi>();
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/k8s/{clusterId}", context => context.RequestServices.GetRequiredService<KubernetesApi>().HandleAsync(context));
        app.Map("/k8s/{clusterId}/{**path}", context => context.RequestServices.GetRequiredService<KubernetesApi>().HandleAsync(context));
    }

    public async Task HandleAsync(HttpContext context)
    {
        var clusterId = (string)context.GetRouteValue("clusterId")!;
        var path = context.GetRouteValue("path") as string ?? "";
        List<string> warnings = [];
        try
        {
            var cluster = await clusters.FindByIdAsync(clusterId, context.RequestAborted)
                ?? throw new KubernetesStatusException(KubernetesErrors.PathNotFound());
            var user = await authenticator.AuthenticateAsync(context, cluster)
                ?? throw new KubernetesStatusException(KubernetesStatus.Unauthorized());
            var route = KubernetesRoute.Parse(context.Request.Method, path)
                ?? throw new KubernetesStatusException(KubernetesErrors.PathNotFound());
            if (KubernetesAuthorizer.Authorize(user, route) is { } forbidden)
            {
                throw new KubernetesStatusException(forbidden);
            }

            var request = new KubernetesRequest(context, cluster, route, user);
            warnings = request.Warnings;
            await DispatchAsync(request);
        }
        catch (KubernetesStatusException failure)
        {
            await KubernetesResponses.WriteStatusAsync(context, failure.Status, warnings);
        }
        catch (ConcurrencyConflictException conflict)
        {
            // Another writer won between our read and write; the client retries like on any resourceVersion conflict.
            await KubernetesResponses.WriteStatusAsync(context, KubernetesErrors.Modified(conflict.Collection.Replace("k8s-", "", StringComparison.Ordinal), ""), warnings);
        }
    }

    private Task DispatchAsync(KubernetesRequest request)
    {
        var route = request.Route;
        if (route.IsDiscovery)
        {
            return discovery.HandleAsync(request);
        }

        return (route.Resource, route.Subresource, route.Group) switch
        {
            ("namespaces", "", "") => namespaces.HandleAsync(request),
            ("serviceaccounts", "", "") => serviceAccounts.HandleAsync(request),
            ("serviceaccounts", "token", "") when route.Name.Length > 0 => tokenRequests.HandleAsync(request),
            ("pods", "", "") => pods.HandleAsync(request),
            ("tokenreviews", "", "authentication.k8s.io") => tokenReviews.HandleAsync(request),
            _ => throw new KubernetesStatusException(KubernetesErrors.PathNotFound()),
        };
    }
}
