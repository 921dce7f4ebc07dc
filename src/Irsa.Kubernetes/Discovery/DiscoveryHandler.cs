using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// <c>/version</c>, <c>/api</c>, <c>/api/v1</c>, <c>/apis</c> and the authentication group: enough discovery for
/// kubectl and client libraries to find the resources this API serves.
/// </summary>
internal static class DiscoveryHandler
{
    private const string AuthenticationGroup = "authentication.k8s.io";

    public static Task<KubernetesReply> HandleAsync(KubernetesRequest request)
    {
        if (request.Route.Verb != "get")
        {
            throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed());
        }

        object document = request.Route.DiscoveryPath switch
        {
            "/" => new Dictionary<string, string[]> { ["paths"] = ["/api", "/api/v1", "/apis", "/apis/" + AuthenticationGroup, "/apis/" + AuthenticationGroup + "/v1", "/version"] },
            "/version" => Version(request.Cluster.Version),
            "/api" => new V1APIVersions
            {
                Kind = "APIVersions",
                Versions = ["v1"],
                ServerAddressByClientCIDRs = [new V1ServerAddressByClientCIDR { ClientCIDR = "0.0.0.0/0", ServerAddress = request.Cluster.ServerAddress }],
            },
            "/api/v1" => new V1APIResourceList
            {
                Kind = "APIResourceList",
                GroupVersion = "v1",
                Resources =
                [
                    Resource("namespaces", "Namespace", false, ["create", "delete", "get", "list"], "ns"),
                    Resource("pods", "Pod", true, ["create", "delete", "get", "list"], "po"),
                    Resource("serviceaccounts", "ServiceAccount", true, ["create", "delete", "get", "list", "patch", "update"], "sa"),
                    new V1APIResource { Name = "serviceaccounts/token", Kind = "TokenRequest", Group = AuthenticationGroup, Version = "v1", Namespaced = true, SingularName = "", Verbs = ["create"] },
                ],
            },
            "/apis" => new V1APIGroupList { Kind = "APIGroupList", ApiVersion = "v1", Groups = [AuthenticationGroupDocument()] },
            "/apis/" + AuthenticationGroup => AuthenticationGroupDocument(),
            "/apis/" + AuthenticationGroup + "/v1" => new V1APIResourceList
            {
                Kind = "APIResourceList",
                ApiVersion = "v1",
                GroupVersion = AuthenticationGroup + "/v1",
                Resources = [Resource("tokenreviews", "TokenReview", false, ["create"])],
            },
            _ => throw new KubernetesStatusException(KubernetesErrors.PathNotFound()),
        };
        return Task.FromResult(KubernetesRequest.Reply(200, document));
    }

    private static VersionInfo Version(string clusterVersion)
    {
        var parts = clusterVersion.Split('.');
        return new VersionInfo
        {
            Major = parts[0],
            Minor = parts.Length > 1 ? parts[1] : "0",
            GitVersion = $"v{clusterVersion}.0-irsa",
            GitCommit = "",
            GitTreeState = "clean",
            BuildDate = "",
            GoVersion = "",
            Compiler = "dotnet",
            Platform = "linux/amd64",
        };
    }

    private static V1APIGroup AuthenticationGroupDocument()
    {
        var version = new V1GroupVersionForDiscovery { GroupVersion = AuthenticationGroup + "/v1", Version = "v1" };
        return new V1APIGroup { Kind = "APIGroup", ApiVersion = "v1", Name = AuthenticationGroup, Versions = [version], PreferredVersion = version };
    }

    private static V1APIResource Resource(string name, string kind, bool namespaced, List<string> verbs, string? shortName = null) => new()
    {
        Name = name,
        SingularName = kind.ToLowerInvariant(),
        Kind = kind,
        Namespaced = namespaced,
        Verbs = verbs,
        ShortNames = shortName is null ? null : [shortName],
    };
}
