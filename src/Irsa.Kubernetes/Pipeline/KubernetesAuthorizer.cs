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

/// <summary>Decides whether an authenticated user may perform a request.</summary>
/// <remarks>
/// The current authorization model, until an RBAC engine exists: the cluster admin service account
/// (<c>kube-system/irsa-admin</c>, whose tokens <c>irsa kubeconfig</c> hands out) may do everything; every other
/// authenticated service account may read the discovery documents (as Kubernetes' <c>system:discovery</c> role allows)
/// and nothing else, receiving kube-apiserver's RBAC-style Forbidden message.
/// </remarks>
internal static class KubernetesAuthorizer
{
    public static readonly string AdminUsername =
        ServiceAccountNames.MakeUsername(KubernetesObjects.AdminNamespace, KubernetesObjects.AdminServiceAccount);

    public static KubernetesAuthorization Authorize(V1UserInfo user, KubernetesRoute route)
    {
        if (user.Username == AdminUsername)
        {
            return new(true, $"Irsa: {KubernetesObjects.AdminNamespace}/{KubernetesObjects.AdminServiceAccount} administers the cluster");
        }

        if (route.IsDiscovery)
        {
            return new(true, "Irsa: discovery is open to every authenticated user");
        }

        var scope = route.Namespace.Length > 0 ? $"in the namespace \"{route.Namespace}\"" : "at the cluster scope";
        return new(false, $"Irsa: only {KubernetesObjects.AdminNamespace}/{KubernetesObjects.AdminServiceAccount} may access resources",
            KubernetesStatus.Forbidden(route.Group, route.Resource, route.Name,
                $"User \"{user.Username}\" cannot {route.Verb} resource \"{route.QualifiedResource}\" in API group \"{route.Group}\" {scope}"));
    }
}
