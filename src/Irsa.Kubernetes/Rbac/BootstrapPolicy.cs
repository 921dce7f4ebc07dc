using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// The default ClusterRoles and ClusterRoleBindings every cluster starts with: kube-apiserver's bootstrap policy for the
/// roles that matter here (cluster-admin, admin, edit, view, system:discovery, system:basic-user,
/// system:public-info-viewer), plus the binding that makes the cluster's admin service account a cluster-admin.
/// </summary>
/// <remarks>
/// admin, edit and view are aggregated roles in kube-apiserver; here they carry their rules directly, restricted to the
/// resources this API serves.
/// </remarks>
internal static class BootstrapPolicy
{
    public const string AuthenticatedGroup = "system:authenticated";
    public const string UnauthenticatedGroup = "system:unauthenticated";
    public const string MastersGroup = "system:masters";
    public const string AdminBinding = "irsa:cluster-admin";

    private static readonly List<string> ReadVerbs = ["get", "list", "watch"];
    private static readonly List<string> WriteVerbs = ["create", "delete", "deletecollection", "patch", "update"];

    public static IEnumerable<V1ClusterRole> ClusterRoles(DateTime created)
    {
        yield return Role("cluster-admin", created,
            new V1PolicyRule { ApiGroups = ["*"], Resources = ["*"], Verbs = ["*"] },
            new V1PolicyRule { NonResourceURLs = ["*"], Verbs = ["*"] });
        yield return Role("admin", created, [.. EditRules(), new V1PolicyRule
        {
            ApiGroups = [ResourceTable.RbacGroup], Resources = ["rolebindings", "roles"], Verbs = [.. ReadVerbs, .. WriteVerbs],
        }]);
        yield return Role("edit", created, [.. EditRules()]);
        yield return Role("view", created, [.. ViewRules()]);
        yield return Role("system:basic-user", created,
            new V1PolicyRule { ApiGroups = [ResourceTable.AuthenticationGroup], Resources = ["selfsubjectreviews"], Verbs = ["create"] },
            new V1PolicyRule { ApiGroups = [ResourceTable.AuthorizationGroup], Resources = ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], Verbs = ["create"] });
        yield return Role("system:discovery", created, new V1PolicyRule
        {
            NonResourceURLs = ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"],
            Verbs = ["get"],
        });
        yield return Role("system:public-info-viewer", created, new V1PolicyRule
        {
            NonResourceURLs = ["/healthz", "/livez", "/readyz", "/version", "/version/"],
            Verbs = ["get"],
        });
    }

    public static IEnumerable<V1ClusterRoleBinding> ClusterRoleBindings(DateTime created)
    {
        yield return Binding("cluster-admin", "cluster-admin", created, Group(MastersGroup));
        yield return Binding("system:basic-user", "system:basic-user", created, Group(AuthenticatedGroup));
        yield return Binding("system:discovery", "system:discovery", created, Group(AuthenticatedGroup));
        yield return Binding("system:public-info-viewer", "system:public-info-viewer", created, Group(AuthenticatedGroup), Group(UnauthenticatedGroup));
        yield return Binding(AdminBinding, "cluster-admin", created, new Rbacv1Subject
        {
            Kind = "ServiceAccount",
            Name = KubernetesObjects.AdminServiceAccount,
            NamespaceProperty = KubernetesObjects.AdminNamespace,
        });
    }

    private static IEnumerable<V1PolicyRule> ViewRules()
    {
        yield return new V1PolicyRule { ApiGroups = [""], Resources = ["events", "namespaces", "pods", "serviceaccounts"], Verbs = ReadVerbs };
        yield return new V1PolicyRule { ApiGroups = [ResourceTable.EventsGroup], Resources = ["events"], Verbs = ReadVerbs };
    }

    private static IEnumerable<V1PolicyRule> EditRules()
    {
        foreach (var rule in ViewRules())
        {
            yield return rule;
        }

        yield return new V1PolicyRule { ApiGroups = [""], Resources = ["pods", "serviceaccounts"], Verbs = WriteVerbs };
        yield return new V1PolicyRule { ApiGroups = [""], Resources = ["serviceaccounts/token"], Verbs = ["create"] };
    }

    private static V1ClusterRole Role(string name, DateTime created, params V1PolicyRule[] rules) => new()
    {
        ApiVersion = ResourceTable.RbacGroup + "/v1",
        Kind = "ClusterRole",
        Metadata = Metadata(name, created),
        Rules = rules,
    };

    private static V1ClusterRoleBinding Binding(string name, string role, DateTime created, params Rbacv1Subject[] subjects) => new()
    {
        ApiVersion = ResourceTable.RbacGroup + "/v1",
        Kind = "ClusterRoleBinding",
        Metadata = Metadata(name, created),
        RoleRef = new V1RoleRef { ApiGroup = ResourceTable.RbacGroup, Kind = "ClusterRole", Name = role },
        Subjects = subjects,
    };

    private static Rbacv1Subject Group(string name) => new() { ApiGroup = ResourceTable.RbacGroup, Kind = "Group", Name = name };

    private static V1ObjectMeta Metadata(string name, DateTime created)
    {
        var metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["kubernetes.io/bootstrapping"] = "rbac-defaults" },
            Annotations = new Dictionary<string, string> { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
        };
        KubernetesObjectStore.InitializeMetadata(metadata, null, created);
        return metadata;
    }
}
