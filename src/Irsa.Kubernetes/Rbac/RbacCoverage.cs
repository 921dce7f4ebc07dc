using System.Text;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// Whether one set of RBAC rules covers another, as kube-apiserver decides it for escalation checks and bootstrap
/// reconciliation: the covered rules are broken down into one verb, group, resource (and name) each, and every piece
/// must be covered by a single owner rule. Missing pieces are compacted and written as kube-apiserver's messages write them.
/// </summary>
internal static class RbacCoverage
{
    /// <summary>Every rule of the full authority: what setting an <c>aggregationRule</c> requires.</summary>
    public static readonly IReadOnlyList<V1PolicyRule> FullAuthority =
    [
        new V1PolicyRule { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"] },
        new V1PolicyRule { Verbs = ["*"], NonResourceURLs = ["*"] },
    ];

    /// <summary>The pieces of <paramref name="servant"/> that no rule of <paramref name="owner"/> covers (empty: covered).</summary>
    public static List<V1PolicyRule> Uncovered(IReadOnlyCollection<V1PolicyRule> owner, IEnumerable<V1PolicyRule> servant) =>
        [.. servant.SelectMany(Breakdown).Where(piece => !owner.Any(rule => Covers(rule, piece)))];

    /// <summary>One rule per group, resource, verb (and name), then one per non-resource URL and verb.</summary>
    public static IEnumerable<V1PolicyRule> Breakdown(V1PolicyRule rule)
    {
        foreach (var group in rule.ApiGroups ?? [])
        {
            foreach (var resource in rule.Resources ?? [])
            {
                foreach (var verb in rule.Verbs ?? [])
                {
                    if (rule.ResourceNames is { Count: > 0 } names)
                    {
                        foreach (var name in names)
                        {
                            yield return new V1PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb], ResourceNames = [name] };
                        }
                    }
                    else
                    {
                        yield return new V1PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb] };
                    }
                }
            }
        }

        foreach (var url in rule.NonResourceURLs ?? [])
        {
            foreach (var verb in rule.Verbs ?? [])
            {
                yield return new V1PolicyRule { NonResourceURLs = [url], Verbs = [verb] };
            }
        }
    }

    /// <summary>Whether <paramref name="owner"/> covers every verb, group, resource, name and URL of <paramref name="piece"/>.</summary>
    public static bool Covers(V1PolicyRule owner, V1PolicyRule piece)
    {
        var verbs = Has(owner.Verbs, "*") || HasAll(owner.Verbs, piece.Verbs);
        var groups = Has(owner.ApiGroups, "*") || HasAll(owner.ApiGroups, piece.ApiGroups);
        var resources = ResourcesCover(owner.Resources, piece.Resources);
        var urls = (piece.NonResourceURLs ?? []).All(path => (owner.NonResourceURLs ?? []).Any(o => UrlCovers(o, path)));
        var names = piece.ResourceNames is not { Count: > 0 }
            ? owner.ResourceNames is not { Count: > 0 }
            : owner.ResourceNames is not { Count: > 0 } || HasAll(owner.ResourceNames, piece.ResourceNames);
        return verbs && groups && resources && names && urls;
    }

    /// <summary>
    /// kube-apiserver's <c>CompactRules</c>: rules naming one group and one resource (and at most one name) are merged
    /// into one rule per group, resource and name, their verbs in first-seen order.
    /// </summary>
    public static List<V1PolicyRule> Compact(IEnumerable<V1PolicyRule> rules)
    {
        var compacted = new List<V1PolicyRule>();
        var simple = new Dictionary<(string, string, string?), V1PolicyRule>();
        foreach (var rule in rules)
        {
            var isSimple = rule.ResourceNames is not { Count: > 1 } && rule.NonResourceURLs is not { Count: > 0 }
                && rule.ApiGroups is { Count: 1 } && rule.Resources is { Count: 1 };
            if (!isSimple)
            {
                compacted.Add(rule);
                continue;
            }

            var key = (rule.ApiGroups![0], rule.Resources![0], rule.ResourceNames is { Count: 1 } n ? n[0] : null);
            if (simple.TryGetValue(key, out var existing))
            {
                foreach (var verb in rule.Verbs ?? [])
                {
                    if (!existing.Verbs.Contains(verb))
                    {
                        existing.Verbs.Add(verb);
                    }
                }
            }
            else
            {
                simple[key] = new V1PolicyRule
                {
                    ApiGroups = [.. rule.ApiGroups],
                    Resources = [.. rule.Resources],
                    Verbs = [.. rule.Verbs ?? []],
                    ResourceNames = rule.ResourceNames is { Count: > 0 } ? [.. rule.ResourceNames] : null,
                };
            }
        }

        compacted.AddRange(simple.Values);
        return compacted;
    }

    /// <summary><c>{APIGroups:["" "apps"], Resources:["pods"], Verbs:["get"]}</c>, as <c>rbacv1helpers.CompactString</c>.</summary>
    public static string CompactString(V1PolicyRule rule)
    {
        var parts = new List<string>();
        void Add(string name, IList<string>? values)
        {
            if (values is { Count: > 0 })
            {
                parts.Add(name + ":" + QuoteList(values));
            }
        }

        Add("APIGroups", rule.ApiGroups);
        Add("Resources", rule.Resources);
        Add("NonResourceURLs", rule.NonResourceURLs);
        Add("ResourceNames", rule.ResourceNames);
        Add("Verbs", rule.Verbs);
        return "{" + string.Join(", ", parts) + "}";
    }

    /// <summary>Go's <c>%q</c> of a string slice: <c>["a" "b"]</c>.</summary>
    public static string QuoteList(IEnumerable<string>? values)
    {
        var text = new StringBuilder("[");
        foreach (var value in values ?? [])
        {
            if (text.Length > 1)
            {
                text.Append(' ');
            }

            text.Append(GoText.Quote(value));
        }

        return text.Append(']').ToString();
    }

    private static bool Has(IList<string>? set, string value) => set?.Contains(value) == true;

    private static bool HasAll(IList<string>? set, IList<string>? values) => (values ?? []).All(v => Has(set, v));

    private static bool ResourcesCover(IList<string>? owner, IList<string>? resources)
    {
        if (Has(owner, "*") || HasAll(owner, resources))
        {
            return true;
        }

        foreach (var path in resources ?? [])
        {
            if (Has(owner, path))
            {
                continue;
            }

            var slash = path.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || !Has(owner, "*/" + path[(slash + 1)..]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool UrlCovers(string owner, string path) =>
        owner == path || (owner.EndsWith('*') && path.StartsWith(owner.TrimEnd('*'), StringComparison.Ordinal));
}
