namespace Irsa.Kubernetes;

/// <summary>What a request path under <c>/k8s/{clusterId}</c> addresses, and the verb its method means for it.</summary>
/// <param name="Verb">The RBAC verb: get, list, create, update, patch, delete, deletecollection.</param>
/// <param name="Group">API group; empty for the core group.</param>
/// <param name="Resource">Plural resource (<c>pods</c>), or empty for discovery paths.</param>
/// <param name="Subresource">Subresource such as <c>token</c>, or empty.</param>
/// <param name="Namespace">Namespace from the path; for namespace objects, their own name (as RBAC sees it).</param>
/// <param name="Name">Object name, or empty for collections.</param>
/// <param name="DiscoveryPath">For discovery documents, the path (<c>/api/v1</c>); otherwise empty.</param>
internal sealed record KubernetesRoute(
    string Verb,
    string Group,
    string Resource,
    string Subresource,
    string Namespace,
    string Name,
    string DiscoveryPath)
{
    public bool IsDiscovery => DiscoveryPath.Length > 0;

    /// <summary><c>resource/subresource</c>, as authorization messages name it.</summary>
    public string QualifiedResource => Subresource.Length == 0 ? Resource : Resource + "/" + Subresource;

    /// <summary>Parses the path below the cluster prefix; null when no resource or discovery document lives there.</summary>
    public static KubernetesRoute? Parse(string method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".."))
        {
            return null;
        }

        switch (segments)
        {
            case []:
            case ["version"]:
            case ["api"]:
            case ["api", "v1"]:
            case ["apis"]:
            case ["apis", "authentication.k8s.io"]:
            case ["apis", "authentication.k8s.io", "v1"]:
                return new(VerbOf(method, named: true), "", "", "", "", "", "/" + string.Join('/', segments));
            case ["apis", "authentication.k8s.io", "v1", "tokenreviews"]:
                return new(VerbOf(method, named: false), "authentication.k8s.io", "tokenreviews", "", "", "", "");
            case ["api", "v1", "namespaces"]:
                return new(VerbOf(method, named: false), "", "namespaces", "", "", "", "");
            case ["api", "v1", "namespaces", var ns]:
                return new(VerbOf(method, named: true), "", "namespaces", "", ns, ns, "");
            case ["api", "v1", var resource]:
                return new(VerbOf(method, named: false), "", resource, "", "", "", "");
            case ["api", "v1", "namespaces", var ns, var resource]:
                return new(VerbOf(method, named: false), "", resource, "", ns, "", "");
            case ["api", "v1", "namespaces", var ns, var resource, var name]:
                return new(VerbOf(method, named: true), "", resource, "", ns, name, "");
            case ["api", "v1", "namespaces", var ns, var resource, var name, var subresource]:
                return new(VerbOf(method, named: true), "", resource, subresource, ns, name, "");
            default:
                return null;
        }
    }

    private static string VerbOf(string method, bool named) => method switch
    {
        "GET" or "HEAD" => named ? "get" : "list",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => named ? "delete" : "deletecollection",
        _ => method.ToLowerInvariant(),
    };
}
