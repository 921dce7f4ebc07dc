using System.Text.Json.Nodes;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>Decodes a request object through its KubernetesClient model and returns the model's JSON (see <see cref="KubernetesDecoder"/>).</summary>
internal delegate JsonObject ResourceDecoder(JsonObject json, string kind, string apiVersion, FieldValidation validation, List<string> warnings);

/// <summary>How a served resource is stored: a collection of objects, a subresource, or a request-only kind (reviews).</summary>
internal enum ResourceStorage
{
    /// <summary>Objects in a document collection, handled by <see cref="ObjectHandler"/>.</summary>
    Objects,

    /// <summary>Create-only kinds answered from the request (TokenReview, SelfSubjectAccessReview...).</summary>
    Virtual,

    /// <summary>A list that is always empty (events: nothing here emits them, but <c>kubectl describe</c> lists them).</summary>
    AlwaysEmpty,
}

/// <summary>
/// One served resource: everything routing, discovery (<c>/api</c>, <c>/apis</c>, aggregated discovery), RBAC names,
/// the generic object handler and <c>kubectl api-resources</c> need to know about it.
/// </summary>
internal sealed record ResourceType(
    string Group,
    string Kind,
    string Plural,
    bool Namespaced,
    IReadOnlyList<string> Verbs,
    ResourceStorage Storage,
    string Collection = "",
    string Subresource = "",
    IReadOnlyList<string>? ShortNames = null,
    IReadOnlyList<string>? Categories = null,
    ResourceDecoder? Decode = null)
{
    public const string Version = "v1";

    public string Singular => Subresource.Length > 0 ? "" : Kind.ToLowerInvariant();

    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string ListKind => Kind + "List";

    /// <summary><c>resource/subresource</c>, as discovery and RBAC name it.</summary>
    public string Name => Subresource.Length == 0 ? Plural : Plural + "/" + Subresource;

    public bool Serves(string verb) => Verbs.Contains(verb);

    /// <summary>The store key of an object; cluster-scoped objects have no namespace part.</summary>
    public string Key(string clusterId, string ns, string name) =>
        Namespaced ? KubernetesObjects.ObjectKey(clusterId, ns, name) : KubernetesObjects.NamespaceKey(clusterId, name);

    /// <summary>Where a list of this resource starts in the store (one namespace, or the whole cluster).</summary>
    public string Prefix(string clusterId, string ns) =>
        Namespaced && ns.Length > 0 ? KubernetesObjects.ObjectKey(clusterId, ns, "") : clusterId + "/";
}

/// <summary>The one table of resources each cluster's Kubernetes API serves.</summary>
internal static class ResourceTable
{
    public const string AuthenticationGroup = "authentication.k8s.io";
    public const string AuthorizationGroup = "authorization.k8s.io";
    public const string RbacGroup = "rbac.authorization.k8s.io";
    public const string EventsGroup = "events.k8s.io";

    private static readonly string[] ObjectVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] NamespaceVerbs = ["create", "delete", "get", "list", "patch", "update", "watch"];
    private static readonly string[] CreateOnly = ["create"];
    private static readonly string[] ListOnly = ["get", "list", "watch"];

    public static readonly ResourceType Namespaces = new("", "Namespace", "namespaces", false, NamespaceVerbs, ResourceStorage.Objects,
        KubernetesObjects.Namespaces, ShortNames: ["ns"], Decode: Typed<V1Namespace>);

    public static readonly ResourceType ServiceAccounts = new("", "ServiceAccount", "serviceaccounts", true, ObjectVerbs, ResourceStorage.Objects,
        KubernetesObjects.ServiceAccounts, ShortNames: ["sa"], Decode: Typed<V1ServiceAccount>);

    public static readonly ResourceType Pods = new("", "Pod", "pods", true, ObjectVerbs, ResourceStorage.Objects,
        KubernetesObjects.Pods, ShortNames: ["po"], Categories: ["all"], Decode: Typed<V1Pod>);

    public static readonly ResourceType Roles = new(RbacGroup, "Role", "roles", true, ObjectVerbs, ResourceStorage.Objects,
        KubernetesObjects.Roles, Decode: Typed<V1Role>);

    public static readonly ResourceType ClusterRoles = new(RbacGroup, "ClusterRole", "clusterroles", false, ObjectVerbs, ResourceStorage.Objects,
        KubernetesObjects.ClusterRoles, Decode: Typed<V1ClusterRole>);

    public static readonly ResourceType RoleBindings = new(RbacGroup, "RoleBinding", "rolebindings", true, ObjectVerbs, ResourceStorage.Objects,
        KubernetesObjects.RoleBindings, Decode: Typed<V1RoleBinding>);

    public static readonly ResourceType ClusterRoleBindings = new(RbacGroup, "ClusterRoleBinding", "clusterrolebindings", false, ObjectVerbs,
        ResourceStorage.Objects, KubernetesObjects.ClusterRoleBindings, Decode: Typed<V1ClusterRoleBinding>);

    /// <summary>Every served resource, in discovery order (group by group, as kube-apiserver lists them).</summary>
    public static readonly IReadOnlyList<ResourceType> All =
    [
        Namespaces,
        Pods,
        ServiceAccounts,
        new("", "TokenRequest", "serviceaccounts", true, CreateOnly, ResourceStorage.Virtual, Subresource: "token"),
        new("", "Event", "events", true, ListOnly, ResourceStorage.AlwaysEmpty, ShortNames: ["ev"]),
        new(AuthenticationGroup, "SelfSubjectReview", "selfsubjectreviews", false, CreateOnly, ResourceStorage.Virtual),
        new(AuthenticationGroup, "TokenReview", "tokenreviews", false, CreateOnly, ResourceStorage.Virtual),
        new(AuthorizationGroup, "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, CreateOnly, ResourceStorage.Virtual),
        new(AuthorizationGroup, "SelfSubjectRulesReview", "selfsubjectrulesreviews", true, CreateOnly, ResourceStorage.Virtual),
        new(EventsGroup, "Event", "events", true, ListOnly, ResourceStorage.AlwaysEmpty, ShortNames: ["ev"]),
        ClusterRoleBindings,
        ClusterRoles,
        RoleBindings,
        Roles,
    ];

    /// <summary>The served API groups other than the core group, in discovery order.</summary>
    public static readonly IReadOnlyList<string> Groups = [.. All.Select(r => r.Group).Where(g => g.Length > 0).Distinct()];

    /// <summary>The resources with their own store collection, for cluster-wide operations (seed, delete).</summary>
    public static IEnumerable<ResourceType> Stored => All.Where(r => r.Storage == ResourceStorage.Objects);

    public static bool ServesGroup(string group) => group.Length == 0 || Groups.Contains(group);

    public static ResourceType? Find(string group, string plural, string subresource = "") =>
        All.FirstOrDefault(r => r.Group == group && r.Plural == plural && r.Subresource == subresource);

    /// <summary>Decodes a request object as its KubernetesClient model (what finds unknown fields and wrong types).</summary>
    private static JsonObject Typed<T>(JsonObject json, string kind, string apiVersion, FieldValidation validation, List<string> warnings) =>
        KubernetesRequest.ToJson(KubernetesDecoder.Decode<T>(json, kind, apiVersion, validation, warnings)!);
}
