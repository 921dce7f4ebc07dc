using System.Text.Json.Nodes;

namespace Irsa.Kubernetes.Tests;

public sealed class TableTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(125, "2m5s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 60 * 5, "3h5m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 3600, "3d1h")]
    [InlineData(400 * 86400, "400d")]
    [InlineData(3 * 365 * 86400 + 86400, "3y1d")]
    public void Ages_print_like_go_human_duration(int seconds, string expected) =>
        Assert.Equal(expected, ObjectTable.HumanDuration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Pod_rows_have_kube_apiservers_cells_and_partial_metadata()
    {
        var pod = JsonNode.Parse("""
            {"metadata":{"name":"p","namespace":"n","creationTimestamp":"2026-01-01T00:00:00Z"},
             "spec":{"nodeName":"node-1","containers":[{"name":"a"},{"name":"b"}]},"status":{"phase":"Pending"}}
            """)!.AsObject();

        var table = ObjectTable.Build(ResourceTable.Pods, [pod], new JsonObject { ["resourceVersion"] = "7" }, "", DateTimeOffset.Parse("2026-01-01T00:01:00Z"));

        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"],
            table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1], table["columnDefinitions"]!.AsArray().Select(c => c!["priority"]!.GetValue<int>()));
        Assert.Equal(["p", "0/2", "Pending", "0", "60s", "<none>", "node-1", "<none>", "<none>"],
            table["rows"]![0]!["cells"]!.AsArray().Select(c => c!.ToString()));
        Assert.Equal("PartialObjectMetadata", table["rows"]![0]!["object"]!["kind"]!.GetValue<string>());
        Assert.Equal("7", table["metadata"]!["resourceVersion"]!.GetValue<string>());
    }
}
