using System.Text.Json.Nodes;

namespace Irsa.Kubernetes.Tests;

public sealed class OpenApiTests
{
    public static TheoryData<string> Groups() => [.. ResourceTable.Groups.Prepend("")];

    [Theory]
    [MemberData(nameof(Groups))]
    public void Every_reference_resolves_and_every_path_kind_has_its_schema(string group)
    {
        var document = OpenApi.Document(group);
        var schemas = document["components"]!["schemas"]!.AsObject();

        foreach (var reference in Descendants(document).OfType<JsonObject>().Where(o => o.ContainsKey("$ref")))
        {
            Assert.True(schemas.ContainsKey(reference["$ref"]!.GetValue<string>()["#/components/schemas/".Length..]), reference.ToJsonString());
        }

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            var gvk = item!.AsObject().Single().Value!["x-kubernetes-group-version-kind"]!;
            Assert.Contains(schemas, s => s.Value!["x-kubernetes-group-version-kind"]?[0]?.ToJsonString() is { } g
                && JsonNode.DeepEquals(JsonNode.Parse(g), new JsonObject { ["group"] = gvk["group"]!.DeepClone(), ["kind"] = gvk["kind"]!.DeepClone(), ["version"] = "v1" }));
            Assert.StartsWith(group.Length == 0 ? "/api/v1/" : $"/apis/{group}/v1/", path, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_index_names_each_document_by_its_hash()
    {
        var index = OpenApi.Index("/k8s/c1");

        Assert.Matches("^/k8s/c1/openapi/v3/api/v1\\?hash=[0-9A-F]{128}$", index["paths"]!["api/v1"]!["serverRelativeURL"]!.GetValue<string>());
        Assert.Equal(index.ToJsonString(), OpenApi.Index("/k8s/c1").ToJsonString());
        Assert.Contains("rbac.authorization.k8s.io", OpenApi.Document(ResourceTable.RbacGroup)["components"]!["schemas"]!["io.k8s.api.rbac.v1.ClusterRole"]!["x-kubernetes-group-version-kind"]![0]!["group"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
