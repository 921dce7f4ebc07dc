using k8s.Models;

namespace Irsa.Cluster.TokenReviews;

/// <summary>The outcome of reviewing one token.</summary>
/// <param name="Status">The TokenReview status to return (a failed review is still a normal 201 response).</param>
/// <param name="StaleTokenAnnotation">
/// For valid tokens used after <c>warnafter</c>: the <c>authentication.k8s.io/stale-token</c> audit annotation value.
/// </param>
public sealed record TokenReviewResult(V1TokenReviewStatus Status, string? StaleTokenAnnotation = null)
{
    /// <summary>Whether the token authenticated.</summary>
    public bool Authenticated => Status.Authenticated == true;
}
