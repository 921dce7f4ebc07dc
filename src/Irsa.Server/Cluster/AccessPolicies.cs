using k8s.Models;

namespace Irsa.Server.Cluster;

/// <summary>One AWS-managed EKS access policy: its name, ARN and the Kubernetes rules it grants (allow-only).</summary>
public sealed record AccessPolicy(string Name, IReadOnlyList<V1PolicyRule> Rules)
{
    public string Arn => AccessPolicies.ArnPrefix + Name;
}

/// <summary>
/// The AWS-managed access policies Irsa serves (<c>ListAccessPolicies</c>), with the rules of the Kubernetes roles they
/// correspond to: ClusterAdmin ≈ <c>cluster-admin</c>, Admin ≈ <c>admin</c>, Edit ≈ <c>edit</c>, View ≈ <c>view</c>, limited
/// to the resources a cluster can hold.
/// </summary>
public static class AccessPolicies
{
    /// <summary>AWS owns them: no region, account <c>aws</c>.</summary>
    public const string ArnPrefix = "arn:aws:eks::aws:cluster-access-policy/";

    public const string ClusterAdminName = "AmazonEKSClusterAdminPolicy";

    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];

    /// <summary>What <c>view</c> may read: workloads, configuration (no secrets), services, events, quotas, namespaces.</summary>
    private static readonly V1PolicyRule[] ViewRules =
    [
        Rule([""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "pods/log", "pods/status",
            "replicationcontrollers", "replicationcontrollers/scale", "replicationcontrollers/status", "serviceaccounts", "services",
            "services/status", "bindings", "events", "limitranges", "namespaces", "namespaces/status", "resourcequotas", "resourcequotas/status"], Read),
        Rule(["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
            "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"], Read),
        Rule(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], Read),
        Rule(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], Read),
        Rule(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], Read),
        Rule(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], Read),
        Rule(["discovery.k8s.io"], ["endpointslices"], Read),
    ];

    /// <summary>What <c>edit</c> adds: writes to workloads and configuration, secrets, pod exec/attach/proxy, acting as service accounts.</summary>
    private static readonly V1PolicyRule[] EditRules =
    [
        .. ViewRules,
        Rule([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "configmaps", "endpoints", "persistentvolumeclaims",
            "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"], Write),
        Rule([""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], Read),
        Rule([""], ["serviceaccounts"], ["impersonate"]),
        Rule([""], ["serviceaccounts/token"], ["create"]),
        Rule(["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale",
            "statefulsets", "statefulsets/scale"], Write),
        Rule(["autoscaling"], ["horizontalpodautoscalers"], Write),
        Rule(["batch"], ["cronjobs", "jobs"], Write),
        Rule(["policy"], ["poddisruptionbudgets"], Write),
        Rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], Write),
    ];

    /// <summary>What <c>admin</c> adds: namespace RBAC and local access reviews.</summary>
    private static readonly V1PolicyRule[] AdminRules =
    [
        .. EditRules,
        Rule(["rbac.authorization.k8s.io"], ["rolebindings", "roles"], [.. Read, .. Write]),
        Rule(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
    ];

    /// <summary>Everything, as <c>cluster-admin</c>.</summary>
    private static readonly V1PolicyRule[] ClusterAdminRules =
    [
        Rule(["*"], ["*"], ["*"]),
        new V1PolicyRule { NonResourceURLs = ["*"], Verbs = ["*"] },
    ];

    /// <summary>Every policy, in the order <c>ListAccessPolicies</c> answers.</summary>
    public static IReadOnlyList<AccessPolicy> All { get; } =
    [
        new("AmazonEKSAdminPolicy", AdminRules),
        new(ClusterAdminName, ClusterAdminRules),
        new("AmazonEKSEditPolicy", EditRules),
        new("AmazonEKSViewPolicy", ViewRules),
    ];

    public static AccessPolicy ClusterAdmin { get; } = All.Single(p => p.Name == ClusterAdminName);

    public static AccessPolicy? Find(string arn) => All.FirstOrDefault(p => string.Equals(p.Arn, arn, StringComparison.Ordinal));

    private static V1PolicyRule Rule(string[] groups, string[] resources, string[] verbs) =>
        new() { ApiGroups = groups, Resources = resources, Verbs = verbs };
}
