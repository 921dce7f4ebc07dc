using System.Text.Json.Nodes;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// <c>/version</c>, <c>/api</c>, <c>/api/v1</c>, <c>/apis</c>, <c>/apis/{group}[/v1]</c>, all from <see cref="ResourceTable"/>:
/// the legacy documents, and aggregated discovery (<c>apidiscovery.k8s.io/v2</c> <c>APIGroupDiscoveryList</c>) for
/// <c>/api</c> and <c>/apis</c> when the client asks for it, as kubectl 1.32 does.
/// </summary>
internal static class DiscoveryHandler
{
    public const string AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    public static Task<KubernetesReply> HandleAsync(KubernetesRequest request)
    {
        if (request.Route.Verb != "get")
        {
            throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed());
        }

        var path = request.Route.DiscoveryPath;
        if (path is "/api" or "/apis" && WantsAggregated(request.Input.Header("Accept")))
        {
            var groups = path == "/api" ? [""] : ResourceTable.Groups;
            return Task.FromResult(KubernetesReply.Json(200, Aggregated(groups)) with { ContentType = AggregatedContentType });
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        object document = segments switch
        {
            [] => new Dictionary<string, string[]> { ["paths"] = [.. Paths()] },
            ["version"] => Version(request.Cluster.Version),
            ["api"] => new V1APIVersions
            {
                Kind = "APIVersions",
                Versions = ["v1"],
                ServerAddressByClientCIDRs = [new V1ServerAddressByClientCIDR { ClientCIDR = "0.0.0.0/0", ServerAddress = request.Cluster.ServerAddress }],
            },
            ["api", _] => ResourceList(""),
            ["apis"] => new V1APIGroupList { Kind = "APIGroupList", ApiVersion = "v1", Groups = [.. ResourceTable.Groups.Select(Group)] },
            ["apis", var group] => Group(group),
            ["apis", var group, _] => ResourceList(group),
            ["openapi", "v3"] => OpenApi.Index(request.Input.PathBase),
            ["openapi", "v3", "api", _] => OpenApi.Document(""),
            ["openapi", "v3", "apis", var group, _] => OpenApi.Document(group),
            _ => throw new KubernetesStatusException(KubernetesErrors.PathNotFound()),
        };
        return Task.FromResult(KubernetesRequest.Reply(200, document));
    }

    private static bool WantsAggregated(string? accept) =>
        accept is not null && accept.Split(',').Any(a => a.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal) && a.Contains("v=v2", StringComparison.Ordinal) && !a.Contains("v=v2beta1", StringComparison.Ordinal));

    private static IEnumerable<string> Paths()
    {
        yield return "/api";
        yield return "/api/v1";
        yield return "/apis";
        foreach (var group in ResourceTable.Groups)
        {
            yield return "/apis/" + group;
            yield return "/apis/" + group + "/v1";
        }

        yield return "/version";
    }

    private static JsonObject Aggregated(IEnumerable<string> groups) => new()
    {
        ["kind"] = "APIGroupDiscoveryList",
        ["apiVersion"] = "apidiscovery.k8s.io/v2",
        ["metadata"] = new JsonObject(),
        ["items"] = new JsonArray([.. groups.Select(group => (JsonNode)new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = group, ["creationTimestamp"] = null },
            ["versions"] = new JsonArray(new JsonObject
            {
                ["version"] = ResourceType.Version,
                ["resources"] = new JsonArray([.. ResourceTable.All.Where(r => r.Group == group && r.Subresource.Length == 0).Select(r => (JsonNode)AggregatedResource(r))]),
                ["freshness"] = "Current",
            }),
        })]),
    };

    private static JsonObject AggregatedResource(ResourceType type)
    {
        var resource = new JsonObject
        {
            ["resource"] = type.Plural,
            ["responseKind"] = Kind(type),
            ["scope"] = type.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = type.Singular,
            ["verbs"] = Strings(type.Verbs),
        };
        if (type.ShortNames is { Count: > 0 } shortNames)
        {
            resource["shortNames"] = Strings(shortNames);
        }

        if (type.Categories is { Count: > 0 } categories)
        {
            resource["categories"] = Strings(categories);
        }

        var subresources = ResourceTable.All.Where(r => r.Group == type.Group && r.Plural == type.Plural && r.Subresource.Length > 0).ToList();
        if (subresources.Count > 0)
        {
            resource["subresources"] = new JsonArray([.. subresources.Select(s => (JsonNode)new JsonObject
            {
                ["subresource"] = s.Subresource,
                ["responseKind"] = Kind(s),
                ["verbs"] = Strings(s.Verbs),
            })]);
        }

        return resource;
    }

    private static JsonObject Kind(ResourceType type) => new() { ["group"] = ResponseGroup(type), ["version"] = ResourceType.Version, ["kind"] = type.Kind };

    // The TokenRequest subresource of core service accounts answers with an authentication.k8s.io kind.
    private static string ResponseGroup(ResourceType type) => type.Kind == "TokenRequest" ? ResourceTable.AuthenticationGroup : type.Group;

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    private static V1APIResourceList ResourceList(string group) => new()
    {
        Kind = "APIResourceList",
        ApiVersion = group.Length == 0 ? null : "v1",
        GroupVersion = group.Length == 0 ? "v1" : group + "/v1",
        Resources = [.. ResourceTable.All.Where(r => r.Group == group).Select(r => new V1APIResource
        {
            Name = r.Name,
            SingularName = r.Singular,
            Namespaced = r.Namespaced,
            Group = r.Subresource.Length > 0 ? ResponseGroup(r) : null,
            Version = r.Subresource.Length > 0 ? ResourceType.Version : null,
            Kind = r.Kind,
            Verbs = [.. r.Verbs],
            ShortNames = r.ShortNames is { Count: > 0 } ? [.. r.ShortNames] : null,
            Categories = r.Categories is { Count: > 0 } ? [.. r.Categories] : null,
        })],
    };

    private static V1APIGroup Group(string group)
    {
        var version = new V1GroupVersionForDiscovery { GroupVersion = group + "/v1", Version = "v1" };
        return new V1APIGroup { Kind = "APIGroup", ApiVersion = "v1", Name = group, Versions = [version], PreferredVersion = version };
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
}
