using Irsa.Cluster.TokenReviews;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Server.Cluster.Kubernetes;

/// <summary><c>POST /apis/authentication.k8s.io/v1/tokenreviews</c>: the engine's reviewer over this cluster's keys and objects.</summary>
internal sealed class TokenReviewHandler(IDocumentStore store, ClusterService clusters, TimeProvider time)
{
    public async Task HandleAsync(KubernetesRequest request)
    {
        if (request.Route.Verb != "create")
        {
            throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed());
        }

        var review = await request.ReadObjectAsync<V1TokenReview>("TokenReview", "authentication.k8s.io/v1");
        var reviewer = new TokenReviewer(clusters.IssuerOptions(request.ClusterId), time, new StoreClusterObjectLookup(store, request.ClusterId));
        var result = await reviewer.ReviewAsync(review, clusters.PublishedKeys(request.Cluster), request.Aborted);

        // Go's `authenticated` is omitempty: a negative review leaves it out rather than writing false.
        if (result.Status.Authenticated == false)
        {
            result.Status.Authenticated = null;
        }

        await request.WriteAsync(201, result);
    }
}
