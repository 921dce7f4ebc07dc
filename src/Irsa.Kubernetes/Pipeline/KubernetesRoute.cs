namespace Irsa.Kubernetes;

/// <summary>What a request path under <c>/k8s/{clusterId}</c> addresses, and the verb its method means for it.</summary>
/// <param name="Verb">The RBAC verb: get, list, watch, create, update, patch, delete, deletecollection.</param>
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

    /// <summary>The served resource the route addresses (null for discovery paths).</summary>
    public ResourceType? Type => IsDiscovery ? null : ResourceTable.Find(Group, Resource, Subresource);

    /// <summary>
    /// Parses the path below the cluster prefix (and the query's <c>watch</c> flag, which turns a list or get into a
    /// watch as kube-apiserver's request info does); null when no served resource or discovery document lives there.
    /// </summary>
    public static KubernetesRoute? Parse(string method, string path, string query = "")
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
            case ["apis", var g] when ResourceTable.ServesGroup(g) && g.Length > 0:
            case ["apis", var gv, ResourceType.Version] when ResourceTable.ServesGroup(gv) && gv.Length > 0:
            case ["openapi", "v3"]:
            case ["openapi", "v3", "api", ResourceType.Version]:
            case ["openapi", "v3", "apis", var og, ResourceType.Version] when ResourceTable.ServesGroup(og) && og.Length > 0:
                return new(VerbOf(method, named: true), "", "", "", "", "", "/" + string.Join('/', segments));
            case ["api", ResourceType.Version, .. var rest]:
                return ResourceRoute(method, query, "", rest);
            case ["apis", var group, ResourceType.Version, .. var rest] when ResourceTable.ServesGroup(group) && group.Length > 0:
                return ResourceRoute(method, query, group, rest);
            default:
                return null;
        }
    }

    private static KubernetesRoute? ResourceRoute(string method, string query, string group, string[] rest)
    {
        var (ns, resource, name, subresource) = rest switch
        {
            ["namespaces", var n] when group.Length == 0 => (n, "namespaces", n, ""),
            ["namespaces", var n, var r] => (n, r, "", ""),
            ["namespaces", var n, var r, var o] => (n, r, o, ""),
            ["namespaces", var n, var r, var o, var s] => (n, r, o, s),
            [var r] => ("", r, "", ""),
            [var r, var o] => ("", r, o, ""),
            [var r, var o, var s] => ("", r, o, s),
            _ => ("", "", "", ""),
        };
        var type = ResourceTable.Find(group, resource, subresource);
        if (type is null)
        {
            return null;
        }

        // A namespaced resource's object lives below its namespace; a cluster-scoped one never does.
        var namespacedPath = rest[0] == "namespaces" && rest.Length >= 3;
        if ((namespacedPath && !type.Namespaced) || (!namespacedPath && type.Namespaced && name.Length > 0))
        {
            return null;
        }

        var verb = VerbOf(method, named: name.Length > 0);
        if (verb is "get" or "list" && IsTrue(Parameter(query, "watch")))
        {
            verb = "watch";
        }

        return new(verb, group, resource, subresource, ns, name, "");
    }

    private static bool IsTrue(string value) => value is "1" or "true" or "True";

    private static string Parameter(string query, string name) =>
        new KubernetesHttpRequest { Method = "GET", Path = "/", Query = query }.QueryParameter(name);

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
