using Irsa.Cluster.TokenReviews;
using Irsa.Storage;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Cluster.Kubernetes;

/// <summary>
/// Authenticates a Kubernetes API request by its bearer token, exactly as a TokenReview for the cluster's API audience
/// (its issuer) would: signature against the published keys, audience, times, and live service account and pod.
/// </summary>
internal sealed class KubernetesRequestAuthenticator(ClusterService clusters, IDocumentStore store, TimeProvider time)
{
    /// <summary>The authenticated user, or null (answer 401). The token itself is never logged or kept.</summary>
    public async Task<V1UserInfo?> AuthenticateAsync(HttpContext context, ClusterRecord cluster)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[Scheme.Length..].Trim();
        if (token.Length == 0)
        {
            return null;
        }

        var reviewer = new TokenReviewer(clusters.IssuerOptions(cluster.Id), time, new StoreClusterObjectLookup(store, cluster.Id));
        var result = await reviewer.ReviewAsync(token, null, clusters.PublishedKeys(cluster), context.RequestAborted);
        return result.Authenticated ? result.Status.User : null;
    }
}
