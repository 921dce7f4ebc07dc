using Irsa.Cluster;
using Irsa.Storage;
using k8s;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// kube-apiserver's RBAC authorizer over a cluster's Role, ClusterRole, RoleBinding and ClusterRoleBinding objects:
/// ClusterRoleBindings first, then the RoleBindings of the request's namespace; the first rule that allows wins, and
/// RBAC never denies (an unmatched request falls through to the next authorizer).
/// </summary>
internal sealed class RbacAuthorizer(IDocumentStore store)
{
    /// <summary>The allow reason (<c>RBAC: allowed by ...</c>), or null when no binding's rules allow the request.</summary>
    public async Task<string?> AllowsAsync(KubernetesAccessRequest request, CancellationToken cancellationToken)
    {
        string? reason = null;
        await VisitRulesAsync(request.Cluster.Id, request.User, request.IsResourceRequest ? request.Namespace : "", (source, rule) =>
        {
            if (RbacRules.Allows(rule, request))
            {
                reason = "RBAC: allowed by " + source;
                return false;
            }

            return true;
        }, cancellationToken);
        return reason;
    }

    /// <summary>Every rule that applies to <paramref name="user"/> in namespace <paramref name="ns"/> (SelfSubjectRulesReview).</summary>
    public async Task<List<V1PolicyRule>> RulesAsync(string clusterId, V1UserInfo user, string ns, CancellationToken cancellationToken)
    {
        var rules = new List<V1PolicyRule>();
        await VisitRulesAsync(clusterId, user, ns, (_, rule) =>
        {
            rules.Add(rule);
            return true;
        }, cancellationToken);
        return rules;
    }

    /// <summary>Calls <paramref name="visit"/> with each applicable rule and its binding's description until it returns false.</summary>
    private async Task VisitRulesAsync(string clusterId, V1UserInfo user, string ns, Func<string, V1PolicyRule, bool> visit, CancellationToken cancellationToken)
    {
        foreach (var document in await store.ListAsync(KubernetesObjects.ClusterRoleBindings, clusterId + "/", cancellationToken: cancellationToken))
        {
            var binding = KubernetesJson.Deserialize<V1ClusterRoleBinding>(document.Json);
            if (RbacRules.AppliesTo(binding.Subjects, user, "") is not { } subject || binding.RoleRef?.Kind != "ClusterRole")
            {
                continue;
            }

            var source = $"ClusterRoleBinding \"{binding.Metadata.Name}\" of ClusterRole \"{binding.RoleRef.Name}\" to {subject}";
            foreach (var rule in await RoleRulesAsync(clusterId, "", binding.RoleRef, cancellationToken))
            {
                if (!visit(source, rule))
                {
                    return;
                }
            }
        }

        if (ns.Length == 0)
        {
            return;
        }

        foreach (var document in await store.ListAsync(KubernetesObjects.RoleBindings, KubernetesObjects.ObjectKey(clusterId, ns, ""), cancellationToken: cancellationToken))
        {
            var binding = KubernetesJson.Deserialize<V1RoleBinding>(document.Json);
            if (RbacRules.AppliesTo(binding.Subjects, user, ns) is not { } subject || binding.RoleRef is null)
            {
                continue;
            }

            var source = $"RoleBinding \"{binding.Metadata.Name}/{ns}\" of {binding.RoleRef.Kind} \"{binding.RoleRef.Name}\" to {subject}";
            foreach (var rule in await RoleRulesAsync(clusterId, ns, binding.RoleRef, cancellationToken))
            {
                if (!visit(source, rule))
                {
                    return;
                }
            }
        }
    }

    private async Task<IList<V1PolicyRule>> RoleRulesAsync(string clusterId, string ns, V1RoleRef roleRef, CancellationToken cancellationToken) =>
        await ReferencedRulesAsync(clusterId, ns, roleRef, cancellationToken) ?? [];

    /// <summary>The rules of the role a binding in <paramref name="ns"/> ("" for a ClusterRoleBinding) refers to; null when it does not exist.</summary>
    public async Task<IList<V1PolicyRule>?> ReferencedRulesAsync(string clusterId, string ns, V1RoleRef roleRef, CancellationToken cancellationToken)
    {
        if (roleRef.Kind == "ClusterRole")
        {
            var document = await store.GetAsync(KubernetesObjects.ClusterRoles, KubernetesObjects.NamespaceKey(clusterId, roleRef.Name), cancellationToken);
            return document is null ? null : KubernetesJson.Deserialize<V1ClusterRole>(document.Json).Rules ?? [];
        }

        if (roleRef.Kind == "Role" && ns.Length > 0)
        {
            var document = await store.GetAsync(KubernetesObjects.Roles, KubernetesObjects.ObjectKey(clusterId, ns, roleRef.Name), cancellationToken);
            return document is null ? null : KubernetesJson.Deserialize<V1Role>(document.Json).Rules ?? [];
        }

        return null;
    }
}

/// <summary>The matching rules of kube-apiserver's RBAC evaluation (<c>plugin/pkg/auth/authorizer/rbac</c>), as pure functions.</summary>
internal static class RbacRules
{
    /// <summary>Whether <paramref name="rule"/> allows the request: verbs, groups, resources (with subresources) and names, or non-resource URLs.</summary>
    public static bool Allows(V1PolicyRule rule, KubernetesAccessRequest request)
    {
        if (!Contains(rule.Verbs, request.Verb))
        {
            return false;
        }

        if (!request.IsResourceRequest)
        {
            return rule.NonResourceURLs?.Any(url => url == "*" || url == request.NonResourcePath ||
                (url.EndsWith('*') && request.NonResourcePath!.StartsWith(url[..^1], StringComparison.Ordinal))) == true;
        }

        return Contains(rule.ApiGroups, request.Group)
            && ResourceMatches(rule.Resources, request.QualifiedResource, request.Subresource)
            && (rule.ResourceNames is not { Count: > 0 } || rule.ResourceNames.Contains(request.Name));
    }

    /// <summary>The description of the first subject that is <paramref name="user"/> (<c>User "x"</c>), or null.</summary>
    /// <param name="subjects">A binding's subjects.</param>
    /// <param name="user">The authenticated user.</param>
    /// <param name="bindingNamespace">A RoleBinding's namespace (a ServiceAccount subject's default namespace); empty for ClusterRoleBindings.</param>
    public static string? AppliesTo(IList<Rbacv1Subject>? subjects, V1UserInfo user, string bindingNamespace)
    {
        foreach (var subject in subjects ?? [])
        {
            switch (subject.Kind)
            {
                case "User" when subject.Name == user.Username:
                    return $"User \"{subject.Name}\"";
                case "Group" when subject.Name == BootstrapPolicy.AuthenticatedGroup || user.Groups?.Contains(subject.Name) == true:
                    return $"Group \"{subject.Name}\"";
                case "ServiceAccount":
                    var ns = string.IsNullOrEmpty(subject.NamespaceProperty) ? bindingNamespace : subject.NamespaceProperty;
                    if (ns.Length > 0 && ServiceAccountNames.MakeUsername(ns, subject.Name) == user.Username)
                    {
                        return $"ServiceAccount \"{subject.Name}/{ns}\"";
                    }

                    break;
            }
        }

        return null;
    }

    private static bool Contains(IList<string>? values, string value) => values is not null && (values.Contains("*") || values.Contains(value));

    private static bool ResourceMatches(IList<string>? resources, string combined, string subresource) =>
        resources?.Any(r => r == "*" || r == combined ||
            (subresource.Length > 0 && r.Length == subresource.Length + 2 && r.StartsWith("*/", StringComparison.Ordinal) && r.EndsWith(subresource, StringComparison.Ordinal))) == true;
}
