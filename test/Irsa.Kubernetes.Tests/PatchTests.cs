using System.Text.Json.Nodes;

namespace Irsa.Kubernetes.Tests;

public sealed class PatchTests
{
    private static JsonObject Pod() => JsonNode.Parse("""
        {"metadata":{"name":"p","labels":{"a":"1","b":"2"},"finalizers":["x","y"]},
         "spec":{"containers":[{"name":"app","image":"busybox","env":[{"name":"A","value":"1"}]},{"name":"side","image":"envoy"}]}}
        """)!.AsObject();

    private static JsonObject Apply(string mediaType, string patch) => KubernetesPatch.Apply(mediaType, Pod(), JsonNode.Parse(patch));

    [Fact]
    public void Merge_patch_replaces_lists_and_null_deletes()
    {
        var result = Apply(KubernetesPatch.MergePatch, """{"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"containers":[{"name":"only"}]}}""");

        Assert.Equal("""{"b":"2","c":"3"}""", result["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("""[{"name":"only"}]""", result["spec"]!["containers"]!.ToJsonString());
    }

    [Fact]
    public void Strategic_merge_patch_merges_lists_by_name_and_honours_directives()
    {
        var result = Apply(KubernetesPatch.StrategicMergePatch, """
            {"metadata":{"$deleteFromPrimitiveList/finalizers":["x"]},
             "spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"side"}],
                     "containers":[{"name":"app","image":"busybox:2","env":[{"name":"B","value":"2"}]},{"name":"side","$patch":"delete"},{"name":"new","image":"n"}]}}
            """);

        Assert.Equal("""["y"]""", result["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal(
            """[{"name":"app","image":"busybox:2","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"new","image":"n"}]""",
            result["spec"]!["containers"]!.ToJsonString());
    }

    [Fact]
    public void Json_patch_adds_removes_moves_copies_and_tests()
    {
        var result = Apply(KubernetesPatch.JsonPatch, """
            [{"op":"test","path":"/metadata/labels/a","value":"1"},
             {"op":"add","path":"/metadata/labels/x~1y","value":"slash"},
             {"op":"remove","path":"/metadata/labels/b"},
             {"op":"move","from":"/metadata/labels/a","path":"/metadata/labels/moved"},
             {"op":"copy","from":"/spec/containers/1","path":"/spec/containers/-"},
             {"op":"replace","path":"/spec/containers/0/image","value":"alpine"}]
            """);

        Assert.Equal("""{"x/y":"slash","moved":"1"}""", result["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal(3, result["spec"]!["containers"]!.AsArray().Count);
        Assert.Equal("alpine", result["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""[{"op":"test","path":"/metadata/name","value":"q"}]""", "testing value /metadata/name failed: test failed")]
    [InlineData("""[{"op":"remove","path":"/metadata/nope"}]""", "doc is missing path: \"/metadata/nope\": missing value")]
    [InlineData("""[{"op":"frobnicate","path":"/x"}]""", "Unexpected kind: frobnicate")]
    public void Json_patches_that_cannot_apply_are_generic_422s_with_the_cause(string patch, string cause)
    {
        var error = Assert.Throws<KubernetesStatusException>(() => Apply(KubernetesPatch.JsonPatch, patch));

        Assert.Equal(422, error.Status.Code);
        Assert.Equal("Invalid", error.Status.Reason);
        Assert.Equal("the server rejected our request due to an error in our request", error.Status.Message);
        Assert.Equal(cause, Assert.Single(error.Status.Details!.Causes!).Message);
    }

    [Fact]
    public void A_json_patch_must_be_an_array_and_a_merge_patch_an_object()
    {
        Assert.Equal(400, Assert.Throws<KubernetesStatusException>(() => Apply(KubernetesPatch.JsonPatch, "{}")).Status.Code);
        Assert.Equal(400, Assert.Throws<KubernetesStatusException>(() => Apply(KubernetesPatch.MergePatch, "[]")).Status.Code);
    }
}
