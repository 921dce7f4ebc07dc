using Irsa.Cluster;
using Irsa.Cluster.Errors;
using k8s.Models;

namespace Irsa.Server.Cluster.Kubernetes;

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

    /// <summary>Null when allowed, else the 403 Status.</summary>
    public static KubernetesStatus? Authorize(V1UserInfo user, KubernetesRoute route)
    {
        if (route.IsDiscovery || user.Username == AdminUsername)
        {
            return null;
        }

        var scope = route.Namespace.Length > 0 ? $"in the namespace \"{route.Namespace}\"" : "at the cluster scope";
        return KubernetesStatus.Forbidden(route.Group, route.Resource, route.Name,
            $"User \"{user.Username}\" cannot {route.Verb} resource \"{route.QualifiedResource}\" in API group \"{route.Group}\" {scope}");
    }
}
