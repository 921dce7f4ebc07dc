using Irsa.Cluster;
using Irsa.Cluster.Errors;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>An authorization decision: allowed or not, why (the audit reason), and the 403 Status when not.</summary>
internal sealed record KubernetesAuthorization(bool Allowed, string Reason, KubernetesStatus? Forbidden = null)
{
    public const string DecisionAnnotation = "authorization.k8s.io/decision";
    public const string ReasonAnnotation = "authorization.k8s.io/reason";

    /// <summary>The audit annotations kube-apiserver's authorization filter adds.</summary>
    public void Annotate(IDictionary<string, string> annotations)
    {
        annotations[DecisionAnnotation] = Allowed ? "allow" : "forbid";
        annotations[ReasonAnnotation] = Reason;
    }
}

/// <summary>
/// What is asked of the authorizer, as kube-apiserver's <c>authorizer.Attributes</c>: who, and either a resource request
/// (verb, group, resource, subresource, namespace, name) or a non-resource request (verb and path). The pipeline builds
/// it from the route; <c>SelfSubjectAccessReview</c> builds it from the review's spec.
/// </summary>
internal sealed record KubernetesAccessRequest(
    IKubernetesCluster Cluster,
    V1UserInfo User,
    string Verb,
    string Group,
    string Resource,
    string Subresource,
    string Namespace,
    string Name,
    string? NonResourcePath = null)
{
    public bool IsResourceRequest => NonResourcePath is null;

    /// <summary><c>resource/subresource</c>, as authorization messages name it.</summary>
    public string QualifiedResource => Subresource.Length == 0 ? Resource : Resource + "/" + Subresource;

    public static KubernetesAccessRequest For(IKubernetesCluster cluster, V1UserInfo user, KubernetesRoute route) =>
        route.IsDiscovery
            ? new(cluster, user, route.Verb, "", "", "", "", "", route.DiscoveryPath)
            : new(cluster, user, route.Verb, route.Group, route.Resource, route.Subresource, route.Namespace, route.Name);
}

/// <summary>Decides whether an authenticated user may perform a request.</summary>
/// <remarks>
/// In kube-apiserver's order of authorizers: the cluster's admin service account (<c>kube-system/irsa-admin</c>, whose
/// tokens <c>irsa kubeconfig</c> hands out) is always allowed, as members of <c>system:masters</c> are, so that no RBAC
/// change can lock the cluster's owner out; then RBAC (<see cref="RbacAuthorizer"/>); then the rules granted outside
/// RBAC (<see cref="IClusterAccessPolicies"/>, EKS access policies); otherwise Forbidden with kube-apiserver's message.
/// </remarks>
internal sealed class KubernetesAuthorizer(IClusterAccessPolicies accessPolicies, RbacAuthorizer rbac)
{
    public static readonly string AdminUsername =
        ServiceAccountNames.MakeUsername(KubernetesObjects.AdminNamespace, KubernetesObjects.AdminServiceAccount);

    public async Task<KubernetesAuthorization> AuthorizeAsync(KubernetesAccessRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.User.Username == AdminUsername || request.User.Groups?.Contains(BootstrapPolicy.MastersGroup) == true)
        {
            return new KubernetesAuthorization(true,
                $"Irsa: {KubernetesObjects.AdminNamespace}/{KubernetesObjects.AdminServiceAccount} administers the cluster");
        }

        if (await rbac.AllowsAsync(request, cancellationToken) is { } reason)
        {
            return new KubernetesAuthorization(true, reason);
        }

        foreach (var granted in await accessPolicies.RulesForAsync(request.Cluster, request.User, cancellationToken))
        {
            if (Covers(granted, request))
            {
                return new KubernetesAuthorization(true, $"EKS access policy {granted.PolicyArn}");
            }
        }

        if (!request.IsResourceRequest)
        {
            return new KubernetesAuthorization(false, "", new KubernetesStatus(403, "Forbidden",
                $"forbidden: User \"{request.User.Username}\" cannot {request.Verb} path \"{request.NonResourcePath}\"", new KubernetesStatusDetails()));
        }

        var scope = request.Namespace.Length > 0 ? $"in the namespace \"{request.Namespace}\"" : "at the cluster scope";
        return new KubernetesAuthorization(false, "",
            KubernetesStatus.Forbidden(request.Group, request.Resource, request.Name,
                $"User \"{request.User.Username}\" cannot {request.Verb} resource \"{request.QualifiedResource}\" in API group \"{request.Group}\" {scope}"));
    }

    /// <summary>Whether one access policy's rules allow the request within the policy's scope.</summary>
    private static bool Covers(ScopedAccessRules granted, KubernetesAccessRequest request)
    {
        if (granted.Namespaces is { } namespaces && (request.Namespace.Length == 0 || !namespaces.Any(n => NamespaceMatches(n, request.Namespace))))
        {
            return false;
        }

        return granted.Rules.Any(rule => RbacRules.Allows(rule, request));
    }

    private static bool NamespaceMatches(string pattern, string ns) =>
        pattern.EndsWith('*') ? ns.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == ns;


}
