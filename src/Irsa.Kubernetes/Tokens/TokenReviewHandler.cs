using Irsa.Cluster.TokenReviews;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary><c>POST /apis/authentication.k8s.io/v1/tokenreviews</c>: the engine's reviewer over this cluster's keys and objects.</summary>
internal sealed class TokenReviewHandler(IDocumentStore store, TimeProvider time)
{
    public async Task<KubernetesReply> HandleAsync(KubernetesRequest request)
    {
        if (request.Route.Verb != "create")
        {
            throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed());
        }

        var review = await request.ReadObjectAsync<V1TokenReview>("TokenReview", "authentication.k8s.io/v1");
        var reviewer = new TokenReviewer(request.Cluster.IssuerOptions, time, new StoreClusterObjectLookup(store, request.ClusterId));
        var result = await reviewer.ReviewAsync(review, request.Cluster.PublishedKeys(), request.Aborted);

        // Go's `authenticated` is omitempty: a negative review leaves it out rather than writing false.
        if (result.Status.Authenticated == false)
        {
            result.Status.Authenticated = null;
        }

        return KubernetesRequest.Reply(201, result);
    }
}
