using Irsa.Cluster.TokenReviews;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// Authenticates a Kubernetes API request by its bearer token, exactly as a TokenReview for the cluster's API audience
/// (its issuer) would: signature against the published keys, audience, times, and live service account and pod. Tokens an
/// <see cref="IExternalTokenAuthenticator"/> claims (EKS tokens) go to it instead.
/// </summary>
internal sealed class KubernetesRequestAuthenticator(IDocumentStore store, TimeProvider time, IExternalTokenAuthenticator? externalTokens)
{
    private const string StaleTokenAnnotation = "authentication.k8s.io/stale-token";

    /// <summary>The authenticated user, or null (answer 401). The token itself is never logged or kept.</summary>
    public async Task<V1UserInfo?> AuthenticateAsync(KubernetesExchange exchange, IKubernetesCluster cluster)
    {
        var header = exchange.Input.Header("Authorization") ?? "";
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

        if (externalTokens is not null && externalTokens.Claims(token))
        {
            return await externalTokens.AuthenticateAsync(cluster, token, exchange.Aborted);
        }

        var reviewer = new TokenReviewer(cluster.IssuerOptions, time, new StoreClusterObjectLookup(store, cluster.Id));
        var result = await reviewer.ReviewAsync(token, null, cluster.PublishedKeys(), exchange.Aborted);
        if (!result.Authenticated)
        {
            return null;
        }

        if (result.StaleTokenAnnotation is { } stale)
        {
            exchange.Annotations[StaleTokenAnnotation] = stale;
        }

        return result.Status.User;
    }
}
