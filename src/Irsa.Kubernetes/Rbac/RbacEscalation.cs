using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;
using k8s;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// kube-apiserver's RBAC escalation prevention (<c>pkg/registry/rbac</c>): a Role or ClusterRole may only be written by
/// someone who holds every permission it grants or may <c>escalate</c> it; a RoleBinding or ClusterRoleBinding only by
/// someone who holds every permission of the role it refers to or may <c>bind</c> that role. Members of
/// <c>system:masters</c> are exempt. The permissions held are the writer's RBAC rules in the object's namespace.
/// </summary>
internal sealed class RbacEscalation(KubernetesAuthorizer authorizer, RbacAuthorizer rbac)
{
    public Task CheckAsync(KubernetesRequest request, ResourceType type, JsonObject value)
    {
        if (request.User.Groups?.Contains(BootstrapPolicy.MastersGroup) == true)
        {
            return Task.CompletedTask;
        }

        return type.Kind is "Role" or "ClusterRole" ? CheckRoleAsync(request, type, value) : CheckBindingAsync(request, type, value);
    }

    private async Task CheckRoleAsync(KubernetesRequest request, ResourceType type, JsonObject value)
    {
        var escalate = new KubernetesAccessRequest(request.Cluster, request.User, "escalate", type.Group, type.Plural, "",
            request.Route.Namespace, request.Route.Name);
        if ((await authorizer.AuthorizeAsync(escalate, request.Aborted)).Allowed)
        {
            return;
        }

        var name = Name(value);
        var held = await rbac.RulesAsync(request.ClusterId, request.User, request.Route.Namespace, request.Aborted);
        var granted = KubernetesJson.Deserialize<List<V1PolicyRule>>(value["rules"]?.ToJsonString() ?? "[]") ?? [];
        Confirm(request, type, name, held, granted);

        // An aggregationRule can gather any permission: setting one takes all of them.
        if (value["aggregationRule"] is JsonObject && RbacCoverage.Uncovered(held, RbacCoverage.FullAuthority).Count > 0)
        {
            throw new KubernetesStatusException(KubernetesStatus.Forbidden(type.Group, type.Plural, name,
                "must have cluster-admin privileges to use the aggregationRule"));
        }
    }

    private async Task CheckBindingAsync(KubernetesRequest request, ResourceType type, JsonObject value)
    {
        var roleRef = KubernetesJson.Deserialize<V1RoleRef>(value["roleRef"]?.ToJsonString() ?? "{}") ?? new V1RoleRef();
        var ns = type.Namespaced ? request.Route.Namespace : "";
        var roleResource = roleRef.Kind switch
        {
            "ClusterRole" => "clusterroles",
            "Role" => "roles",
            _ => null,
        };
        if (roleResource is not null)
        {
            // Checked in the binding's namespace, so a ClusterRole may be bindable in some namespaces only.
            var bind = new KubernetesAccessRequest(request.Cluster, request.User, "bind", roleRef.ApiGroup ?? "", roleResource, "", ns, roleRef.Name ?? "");
            if ((await authorizer.AuthorizeAsync(bind, request.Aborted)).Allowed)
            {
                return;
            }
        }

        var rules = await rbac.ReferencedRulesAsync(request.ClusterId, ns, roleRef, request.Aborted)
            ?? throw new KubernetesStatusException(KubernetesStatus.NotFound(ResourceTable.RbacGroup, roleResource ?? "roles", roleRef.Name ?? ""));
        var held = await rbac.RulesAsync(request.ClusterId, request.User, ns, request.Aborted);
        Confirm(request, type, Name(value), held, rules);
    }

    /// <summary>kube-apiserver's <c>ConfirmNoEscalation</c>: Forbidden, listing the compacted missing rules sorted, one a line.</summary>
    private static void Confirm(KubernetesRequest request, ResourceType type, string name, List<V1PolicyRule> held, IEnumerable<V1PolicyRule> granted)
    {
        var missing = RbacCoverage.Uncovered(held, granted);
        if (missing.Count == 0)
        {
            return;
        }

        var lines = RbacCoverage.Compact(missing).Select(RbacCoverage.CompactString).Distinct().Order(StringComparer.Ordinal);
        var user = request.User;
        throw new KubernetesStatusException(KubernetesStatus.Forbidden(type.Group, type.Plural, name,
            $"user {GoText.Quote(user.Username ?? "")} (groups={RbacCoverage.QuoteList(user.Groups)}) is attempting to grant RBAC permissions not currently held:\n" +
            string.Join("\n", lines)));
    }

    private static string Name(JsonObject value) => value["metadata"]?["name"]?.GetValue<string>() ?? "";
}
