namespace Irsa.Sts.WebIdentity;

/// <summary>
/// Irsa's addition to AWS's checks: for tokens minted by one of Irsa's own clusters and bound to a pod, whether that
/// pod still exists with the same uid. Implemented by the server, which knows its clusters and their pods.
/// </summary>
/// <remarks>
/// A token stolen from a deleted pod stays cryptographically valid until <c>exp</c> (up to a day for IRSA);
/// this hook lets STS refuse it as soon as the pod is gone, as kube-apiserver's TokenReview does.
/// </remarks>
public interface IPodLivenessCheck
{
    /// <summary>Decides for one pod-bound token; return <see cref="PodLiveness.NotApplicable"/> for issuers that are not Irsa's.</summary>
    ValueTask<PodLiveness> CheckAsync(PodBinding pod, CancellationToken cancellationToken);

    /// <summary>
    /// Decides for a token bound only to its service account (no pod): whether that account still exists with the
    /// token's uid, as kube-apiserver checks its own tokens. <see cref="PodLiveness.Gone"/> refuses the token.
    /// </summary>
    ValueTask<PodLiveness> CheckServiceAccountAsync(ServiceAccountBinding account, CancellationToken cancellationToken) =>
        ValueTask.FromResult(PodLiveness.NotApplicable);
}

/// <summary>The service account a token names in its <c>kubernetes.io</c> claim, for tokens not bound to a pod.</summary>
public sealed record ServiceAccountBinding(string Issuer, string Namespace, string Name, string Uid);

/// <summary>The pod a token is bound to, from its <c>kubernetes.io</c> claim; <c>Issuer</c> is the token's <c>iss</c> (which cluster minted it).</summary>
public sealed record PodBinding(string Issuer, string Namespace, string PodName, string PodUid);

/// <summary>The answer of an <see cref="IPodLivenessCheck"/>.</summary>
public enum PodLiveness
{
    /// <summary>The issuer is not one of Irsa's clusters; nothing to check.</summary>
    NotApplicable,

    /// <summary>The pod exists with the uid in the token.</summary>
    Alive,

    /// <summary>The pod is gone or was replaced (different uid): the token is refused.</summary>
    Gone,
}
