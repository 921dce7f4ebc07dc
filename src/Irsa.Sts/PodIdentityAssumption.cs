using Irsa.Sts.Sessions;

namespace Irsa.Sts;

/// <summary>
/// What EKS Pod Identity asks of STS for one pod: assume <paramref name="RoleArn"/> as the service principal
/// <c>pods.eks.amazonaws.com</c> with the pod's session tags, then, when <paramref name="TargetRoleArn"/> is set, chain to it.
/// </summary>
/// <param name="RoleArn">The association's role, in the cluster's account.</param>
/// <param name="TargetRoleArn">The association's target role (any account), or <c>null</c>.</param>
/// <param name="ExternalId">The association's external id, passed to the second hop.</param>
/// <param name="SessionName">Both hops' session name (<c>eks-CLUSTER-POD-UUID</c>, 2–64 characters of <c>[\w+=,.@-]</c>).</param>
/// <param name="SessionTags">The six pod tags, or none when the association disables session tags; all are transitive.</param>
/// <param name="SessionPolicy">The association's policy, applied to the last hop only.</param>
/// <param name="Pod">The pod the credentials are for (sealed in every hop, so the trail names it).</param>
/// <param name="ClusterArn">The cluster (<c>aws:SourceArn</c> of the first hop, and the pod's attribution).</param>
public sealed record PodIdentityAssumption(string RoleArn, string? TargetRoleArn, string? ExternalId,
    string SessionName, IReadOnlyDictionary<string, string> SessionTags, string? SessionPolicy,
    KubernetesSession Pod, string ClusterArn);

/// <summary>The credentials of the last hop, and every hop's session in order (for the trail).</summary>
public sealed record PodIdentityOutcome(SessionCredentials Credentials, IReadOnlyList<RoleSession> Hops);
