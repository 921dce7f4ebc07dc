using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// Permissions granted outside RBAC: EKS access policies associated with the user's access entry. A request is allowed
/// when these rules or RBAC allow it, as EKS combines them. The host implements it over its access entries.
/// </summary>
public interface IClusterAccessPolicies
{
    /// <summary>The rule sets granted to <paramref name="user"/> in <paramref name="cluster"/>; empty when none.</summary>
    Task<IReadOnlyList<ScopedAccessRules>> RulesForAsync(IKubernetesCluster cluster, V1UserInfo user, CancellationToken cancellationToken);
}

/// <summary>One associated access policy: its rules, and where they apply.</summary>
/// <param name="PolicyArn">The access policy's ARN (named in audit reasons).</param>
/// <param name="Rules">Allow-only RBAC rules (resource rules and non-resource URLs).</param>
/// <param name="Namespaces">
/// Null for cluster scope (every namespace and cluster-scoped resources); otherwise the namespaces, a trailing <c>*</c>
/// matching any suffix. Namespace scope never covers cluster-scoped resources.
/// </param>
public sealed record ScopedAccessRules(string PolicyArn, IReadOnlyList<V1PolicyRule> Rules, IReadOnlyList<string>? Namespaces);

/// <summary>The default: no access policies, RBAC alone decides.</summary>
public sealed class NoClusterAccessPolicies : IClusterAccessPolicies
{
    public Task<IReadOnlyList<ScopedAccessRules>> RulesForAsync(IKubernetesCluster cluster, V1UserInfo user, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ScopedAccessRules>>([]);
}
