using Irsa.Storage;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// The default ClusterRoles and ClusterRoleBindings every cluster starts with: kube-apiserver's bootstrap policy for the
/// roles that matter here (cluster-admin, admin, edit, view and the <c>system:aggregate-to-*</c> roles they aggregate,
/// system:discovery, system:basic-user, system:public-info-viewer), plus the binding that makes the cluster's admin
/// service account a cluster-admin.
/// </summary>
/// <remarks>
/// admin, edit and view are aggregated as in kube-apiserver (view is labelled into edit, edit into admin); the
/// <c>system:aggregate-to-*</c> roles carry the rules, restricted to the resources this API serves.
/// <see cref="ReconcileAsync"/> is kube-apiserver's start-up reconciliation: it creates what is missing and adds missing
/// permissions, subjects, labels and annotations to objects whose <c>rbac.authorization.kubernetes.io/autoupdate</c>
/// annotation is not <c>false</c>, never removing anything.
/// </remarks>
internal static class BootstrapPolicy
{
    public const string AuthenticatedGroup = "system:authenticated";
    public const string UnauthenticatedGroup = "system:unauthenticated";
    public const string MastersGroup = "system:masters";
    public const string AdminBinding = "irsa:cluster-admin";
    public const string AutoUpdateAnnotation = "rbac.authorization.kubernetes.io/autoupdate";
    public const string AggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin";
    public const string AggregateToEdit = "rbac.authorization.k8s.io/aggregate-to-edit";
    public const string AggregateToView = "rbac.authorization.k8s.io/aggregate-to-view";

    private static readonly List<string> ReadVerbs = ["get", "list", "watch"];
    private static readonly List<string> WriteVerbs = ["create", "delete", "deletecollection", "patch", "update"];

    public static IEnumerable<V1ClusterRole> ClusterRoles(DateTime created)
    {
        yield return Role("cluster-admin", created,
            new V1PolicyRule { ApiGroups = ["*"], Resources = ["*"], Verbs = ["*"] },
            new V1PolicyRule { NonResourceURLs = ["*"], Verbs = ["*"] });
        yield return Aggregated("admin", created, AggregateToAdmin, null);
        yield return Aggregated("edit", created, AggregateToEdit, AggregateToAdmin);
        yield return Aggregated("view", created, AggregateToView, AggregateToEdit);
        yield return Labelled(Role("system:aggregate-to-admin", created, new V1PolicyRule
        {
            ApiGroups = [ResourceTable.RbacGroup],
            Resources = ["rolebindings", "roles"],
            Verbs = [.. ReadVerbs, .. WriteVerbs],
        }), AggregateToAdmin);
        yield return Labelled(Role("system:aggregate-to-edit", created,
            new V1PolicyRule { ApiGroups = [""], Resources = ["pods", "serviceaccounts"], Verbs = WriteVerbs },
            new V1PolicyRule { ApiGroups = [""], Resources = ["serviceaccounts/token"], Verbs = ["create"] }), AggregateToEdit);
        yield return Labelled(Role("system:aggregate-to-view", created,
            new V1PolicyRule { ApiGroups = [""], Resources = ["events", "namespaces", "pods", "serviceaccounts"], Verbs = ReadVerbs },
            new V1PolicyRule { ApiGroups = [ResourceTable.EventsGroup], Resources = ["events"], Verbs = ReadVerbs }), AggregateToView);
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

    /// <summary>
    /// Creates the bootstrap objects the cluster lacks and completes those still marked for automatic update, then
    /// aggregates the ClusterRoles (inside the caller's transaction). Returns whether anything was written.
    /// </summary>
    public static async Task<bool> ReconcileAsync(IDocumentSession session, string clusterId, DateTime now)
    {
        var roles = await ReconcileAsync(session, clusterId, ResourceTable.ClusterRoles, ClusterRoles(now), CompleteRole);
        var bindings = await ReconcileAsync(session, clusterId, ResourceTable.ClusterRoleBindings, ClusterRoleBindings(now), CompleteBinding);
        return await ClusterRoleAggregation.AggregateAsync(session, clusterId) || roles || bindings;
    }

    /// <summary>
    /// One kind's bootstrap objects: each missing one is created; each existing one marked for automatic update gets the
    /// expected labels and annotations it lacks, then what <paramref name="complete"/> adds, and is written if that changed it.
    /// </summary>
    private static async Task<bool> ReconcileAsync<T>(IDocumentSession session, string clusterId, ResourceType type, IEnumerable<T> expectedObjects,
        Action<T, T> complete)
        where T : IMetadata<V1ObjectMeta>
    {
        var written = false;
        foreach (var expected in expectedObjects)
        {
            var key = KubernetesObjects.NamespaceKey(clusterId, expected.Metadata.Name);
            var document = await session.GetAsync(type.Collection, key);
            if (document is null)
            {
                await KubernetesObjectStore.PutAsync(session, clusterId, type, key, expected, expectedVersion: 0);
                written = true;
                continue;
            }

            var existing = KubernetesObjectStore.Read<T>(document);
            if (!AutoUpdates(existing.Metadata))
            {
                continue;
            }

            var before = k8s.KubernetesJson.Serialize(existing);
            MergeMetadata(existing.Metadata, expected.Metadata);
            complete(existing, expected);
            if (k8s.KubernetesJson.Serialize(existing) != before)
            {
                await KubernetesObjectStore.PutAsync(session, clusterId, type, key, KubernetesRequest.ToJson(existing), document.Version,
                    WatchEventTypes.Modified);
                written = true;
            }
        }

        return written;
    }

    /// <summary>A bootstrap ClusterRole keeps its own rules and selectors and gains the expected ones it lacks.</summary>
    private static void CompleteRole(V1ClusterRole existing, V1ClusterRole expected)
    {
        if (expected.AggregationRule is { } rule)
        {
            existing.AggregationRule ??= new V1AggregationRule { ClusterRoleSelectors = [] };
            existing.AggregationRule.ClusterRoleSelectors ??= [];
            foreach (var selector in rule.ClusterRoleSelectors ?? [])
            {
                var text = k8s.KubernetesJson.Serialize(selector);
                if (!existing.AggregationRule.ClusterRoleSelectors.Any(s => k8s.KubernetesJson.Serialize(s) == text))
                {
                    existing.AggregationRule.ClusterRoleSelectors.Add(selector);
                }
            }
        }

        var missing = RbacCoverage.Uncovered([.. existing.Rules ?? []], expected.Rules ?? []);
        if (missing.Count > 0)
        {
            existing.Rules = [.. existing.Rules ?? [], .. missing];
        }
    }

    /// <summary>A bootstrap binding points at its expected role and gains the expected subjects it lacks.</summary>
    private static void CompleteBinding(V1ClusterRoleBinding existing, V1ClusterRoleBinding expected)
    {
        existing.RoleRef = expected.RoleRef;
        existing.Subjects ??= [];
        foreach (var subject in expected.Subjects ?? [])
        {
            if (!existing.Subjects.Any(s => s.Kind == subject.Kind && s.Name == subject.Name && (s.NamespaceProperty ?? "") == (subject.NamespaceProperty ?? "")))
            {
                existing.Subjects.Add(subject);
            }
        }
    }

    private static bool AutoUpdates(V1ObjectMeta metadata) =>
        metadata.Annotations?.TryGetValue(AutoUpdateAnnotation, out var value) != true || value != "false";

    /// <summary>Adds the expected labels and annotations the object lacks; values it has win.</summary>
    private static void MergeMetadata(V1ObjectMeta existing, V1ObjectMeta expected)
    {
        existing.Labels = Merge(expected.Labels, existing.Labels);
        existing.Annotations = Merge(expected.Annotations, existing.Annotations);
    }

    private static Dictionary<string, string> Merge(IDictionary<string, string>? expected, IDictionary<string, string>? existing)
    {
        var merged = new Dictionary<string, string>(expected ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in existing ?? new Dictionary<string, string>())
        {
            merged[name] = value;
        }

        return merged;
    }

    private static V1ClusterRole Aggregated(string name, DateTime created, string selects, string? aggregatesInto)
    {
        var role = Role(name, created);
        role.AggregationRule = new V1AggregationRule
        {
            ClusterRoleSelectors = [new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [selects] = "true" } }],
        };
        return aggregatesInto is null ? role : Labelled(role, aggregatesInto);
    }

    private static V1ClusterRole Labelled(V1ClusterRole role, string label)
    {
        role.Metadata.Labels[label] = "true";
        return role;
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
            Annotations = new Dictionary<string, string> { [AutoUpdateAnnotation] = "true" },
        };
        KubernetesObjectStore.InitializeMetadata(metadata, null, created);
        return metadata;
    }
}
