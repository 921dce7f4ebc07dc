using Irsa.Storage;
using k8s;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// kube-controller-manager's ClusterRole aggregation: a ClusterRole with <c>aggregationRule.clusterRoleSelectors</c> has
/// as rules the union of the rules of every other ClusterRole its selectors match (by name, each rule once). Run in the
/// transaction of every ClusterRole write, so aggregated roles are current when the write commits.
/// </summary>
internal static class ClusterRoleAggregation
{
    /// <summary>Brings every aggregated ClusterRole of the cluster up to date; returns whether any was rewritten.</summary>
    public static async Task<bool> AggregateAsync(IDocumentSession session, string clusterId)
    {
        var documents = await session.ListAsync(KubernetesObjects.ClusterRoles, clusterId + "/");
        var roles = documents.Select(d => (d.Key, Role: KubernetesObjectStore.Read<V1ClusterRole>(d))).OrderBy(r => r.Role.Metadata.Name, StringComparer.Ordinal).ToList();
        var aggregated = roles.Where(r => r.Role.AggregationRule is not null).ToList();
        var changed = new HashSet<string>(StringComparer.Ordinal);

        // Aggregated roles may select one another (view → edit → admin): repeat until nothing changes, at most once per role.
        for (var pass = 0; pass <= aggregated.Count; pass++)
        {
            var again = false;
            foreach (var (key, role) in aggregated)
            {
                var rules = new List<V1PolicyRule>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var selector in role.AggregationRule.ClusterRoleSelectors ?? [])
                {
                    var matches = Selector(selector);
                    foreach (var (_, other) in roles)
                    {
                        if (other.Metadata.Name == role.Metadata.Name || matches?.Matches(other.Metadata.Labels is { } labels ? new Dictionary<string, string>(labels) : null) != true)
                        {
                            continue;
                        }

                        foreach (var rule in other.Rules ?? [])
                        {
                            if (seen.Add(KubernetesJson.Serialize(rule)))
                            {
                                rules.Add(rule);
                            }
                        }
                    }
                }

                if (KubernetesJson.Serialize(rules) != KubernetesJson.Serialize(role.Rules ?? []))
                {
                    role.Rules = rules;
                    changed.Add(key);
                    again = true;
                }
            }

            if (!again)
            {
                break;
            }
        }

        foreach (var (key, role) in aggregated.Where(r => changed.Contains(r.Key)))
        {
            await KubernetesObjectStore.PutAsync(session, clusterId, ResourceTable.ClusterRoles, key, KubernetesRequest.ToJson(role), null,
                WatchEventTypes.Modified);
        }

        return changed.Count > 0;
    }

    /// <summary>A <c>metav1.LabelSelector</c> as a label selector; null (matches nothing) when it cannot be read.</summary>
    private static LabelSelector? Selector(V1LabelSelector selector)
    {
        var requirements = new List<string>();
        foreach (var (name, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            requirements.Add(name + "=" + value);
        }

        foreach (var expression in selector.MatchExpressions ?? [])
        {
            var values = string.Join(",", expression.Values ?? []);
            requirements.Add(expression.OperatorProperty switch
            {
                "In" => $"{expression.Key} in ({values})",
                "NotIn" => $"{expression.Key} notin ({values})",
                "Exists" => expression.Key,
                "DoesNotExist" => "!" + expression.Key,
                _ => "",
            });
        }

        if (requirements.Contains(""))
        {
            return null;
        }

        try
        {
            return LabelSelector.Parse(string.Join(",", requirements));
        }
        catch (KubernetesStatusException)
        {
            return null;
        }
    }
}
