using System.Text;
using System.Text.Json.Nodes;
using Irsa.Webhook;
using Irsa.Webhook.Tests.Conformance;
using k8s;
using k8s.Models;

namespace Irsa.Server.Tests.Webhook;

public sealed class JsonPatchTests
{
    private const string Expected = "testing.eks.amazonaws.com/expectedPatch";

    [Fact]
    public void Add_CreatesMember_InsertsAtIndex_AppendsWithDash()
    {
        var document = JsonNode.Parse("""{"a":{"list":[1,3]}}""");

        var result = JsonPatch.Apply(document, Encoding.UTF8.GetBytes("""
            [{"op":"add","path":"/a/b","value":{"c":true}},
             {"op":"add","path":"/a/list/1","value":2},
             {"op":"add","path":"/a/list/-","value":4},
             {"op":"add","path":"/a/list/4","value":5}]
            """));

        Assert.Equal("""{"a":{"list":[1,2,3,4,5],"b":{"c":true}}}""", result!.ToJsonString());
        Assert.Equal("""{"a":{"list":[1,3]}}""", document!.ToJsonString()); // the input is left alone
    }

    [Fact]
    public void Add_ExistingMember_Replaces_AndEscapesAreDecoded()
    {
        var result = JsonPatch.Apply(JsonNode.Parse("""{"metadata":{"labels":{"a":"1"}},"x":1}"""), Encoding.UTF8.GetBytes("""
            [{"op":"add","path":"/metadata/labels/eks.amazonaws.com~1pod-identity","value":"enabled"},
             {"op":"add","path":"/metadata/labels/t~0ilde","value":"~"},
             {"op":"add","path":"/x","value":2}]
            """));

        Assert.Equal("""{"metadata":{"labels":{"a":"1","eks.amazonaws.com/pod-identity":"enabled","t~ilde":"~"}},"x":2}""", result!.ToJsonString());
    }

    [Fact]
    public void Replace_And_Remove()
    {
        var result = JsonPatch.Apply(JsonNode.Parse("""{"a":[1,2,3],"b":"old","c":0}"""), Encoding.UTF8.GetBytes("""
            [{"op":"replace","path":"/a/0","value":9},{"op":"replace","path":"/b","value":null},{"op":"remove","path":"/a/1"},{"op":"remove","path":"/c"}]
            """));

        Assert.Equal("""{"a":[9,3],"b":null}""", result!.ToJsonString());
    }

    [Fact]
    public void Replace_WholeDocument()
    {
        var result = JsonPatch.Apply(JsonNode.Parse("{}"), Encoding.UTF8.GetBytes("""[{"op":"add","path":"","value":[1]}]"""));
        Assert.Equal("[1]", result!.ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"add","path":"/missing/x","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/a/3","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/a/01","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/a/-1","value":1}]""")]
    [InlineData("""[{"op":"replace","path":"/nope","value":1}]""")]
    [InlineData("""[{"op":"replace","path":"/a/-","value":1}]""")]
    [InlineData("""[{"op":"remove","path":"/a/2"}]""")]
    [InlineData("""[{"op":"add","path":"a","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/a~2","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/b"}]""")]
    [InlineData("""[{"op":"move","from":"/a","path":"/b"}]""")]
    [InlineData("""{"op":"add"}""")]
    [InlineData("""[1]""")]
    [InlineData("""not json""")]
    public void Invalid_Throws_AndLeavesInputAlone(string patch)
    {
        var document = JsonNode.Parse("""{"a":[1,2]}""");
        Assert.Throws<JsonPatchException>(() => JsonPatch.Apply(document, Encoding.UTF8.GetBytes(patch)));
        Assert.Equal("""{"a":[1,2]}""", document!.ToJsonString());
    }

    /// <summary>Every case of Irsa's webhook fixtures: its patch applies to its pod, and each added value is where the patch put it.</summary>
    [Fact]
    public void FixturePatches_ApplyToTheirPods()
    {
        var cases = JsonNode.Parse(File.ReadAllText(WebhookTestData.PodMutationFixturesFile()))!["cases"]!.AsArray();
        Assert.NotEmpty(cases);

        foreach (var fixture in cases)
        {
            AssertPatchApplies((string)fixture!["name"]!, KubernetesJson.Deserialize<V1Pod>(fixture["pod"]!.ToJsonString()), fixture["patch"]!.ToJsonString());
        }
    }

    /// <summary>Differential check, where upstream's data is beside the clone: the same for every upstream case.</summary>
    [UpstreamConformanceFact]
    public void UpstreamExpectedPatches_ApplyToTheirPods()
    {
        var files = Directory.EnumerateFiles(ConformancePaths.PodIdentityWebhook, "*.pod.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(24, files.Count);

        foreach (var file in files)
        {
            var pod = KubernetesYaml.Deserialize<V1Pod>(File.ReadAllText(file));
            AssertPatchApplies(Path.GetFileName(file), pod, pod.Metadata.Annotations[Expected]);
        }
    }

    private static void AssertPatchApplies(string label, V1Pod pod, string patchText)
    {
        var before = JsonNode.Parse(KubernetesJson.Serialize(pod))!;
        var patch = JsonNode.Parse(patchText)!.AsArray();

        var after = JsonPatch.Apply(before, Encoding.UTF8.GetBytes(patchText))!;

        foreach (var op in patch)
        {
            var path = op!["path"]!.GetValue<string>();
            Assert.True(JsonNode.DeepEquals(op["value"], Resolve(after, path)), $"{label}: {path}");
        }

        // Nothing outside the patched paths moved, and the result is still a pod.
        Assert.True(JsonNode.DeepEquals(before["metadata"]!["name"], after["metadata"]!["name"]), label);
        var volumesBefore = before["spec"]!["volumes"]?.AsArray().Count ?? 0;
        var addsVolume = patch.Any(op => op!["path"]!.GetValue<string>().StartsWith("/spec/volumes", StringComparison.Ordinal));
        Assert.Equal(volumesBefore + (addsVolume ? 1 : 0), after["spec"]!["volumes"]?.AsArray().Count ?? 0);
        var mutated = KubernetesJson.Deserialize<V1Pod>(after.ToJsonString());
        Assert.Equal(pod.Spec.Containers.Count, mutated.Spec.Containers.Count);
    }

    private static JsonNode? Resolve(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node is JsonArray array ? array[int.Parse(token, System.Globalization.CultureInfo.InvariantCulture)] : node![token];
        }

        return node;
    }
}
