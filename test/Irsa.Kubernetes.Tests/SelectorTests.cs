using System.Text.Json.Nodes;

namespace Irsa.Kubernetes.Tests;

public sealed class SelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["example.com/team"] = "blue" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app in (db)", false)]
    [InlineData("app notin (db)", true)]
    [InlineData("missing notin (db)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("example.com/team=blue,app=web", true)]
    [InlineData("app=web,tier=back", false)]
    public void Label_selectors_match_as_in_kubernetes(string selector, bool matches) =>
        Assert.Equal(matches, LabelSelector.Parse(selector).Matches(Labels));

    [Theory]
    [InlineData("app=", "")]
    [InlineData("-bad=x", "invalid label key")]
    [InlineData("app in db", "found 'in db', expected: in, notin, =, ==, !=, gt, lt")]
    [InlineData("app=not valid!", "invalid label value")]
    public void Malformed_label_selectors_are_bad_requests(string selector, string message)
    {
        if (message.Length == 0)
        {
            Assert.True(LabelSelector.Parse(selector).Matches(new Dictionary<string, string> { ["app"] = "" }));
            return;
        }

        var error = Assert.Throws<KubernetesStatusException>(() => LabelSelector.Parse(selector));
        Assert.Equal(400, error.Status.Code);
        Assert.StartsWith("unable to parse requirement: ", error.Status.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Status.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metadata.name=p", true)]
    [InlineData("metadata.name!=p", false)]
    [InlineData("metadata.namespace==team", true)]
    [InlineData("spec.nodeName=node-1,status.phase=Pending", true)]
    [InlineData("spec.serviceAccountName=other", false)]
    [InlineData("spec.nodeName!=node-2", true)]
    public void Field_selectors_read_the_pods_fields(string selector, bool matches)
    {
        var pod = JsonNode.Parse("""{"metadata":{"name":"p","namespace":"team"},"spec":{"nodeName":"node-1","serviceAccountName":"app"},"status":{"phase":"Pending"}}""")!.AsObject();

        Assert.Equal(matches, FieldSelector.Parse(selector, "pods").Matches(pod));
    }

    [Fact]
    public void Unsupported_fields_are_refused_with_kubernetes_message()
    {
        var error = Assert.Throws<KubernetesStatusException>(() => FieldSelector.Parse("spec.nodeName=n", "serviceaccounts"));

        Assert.Equal(400, error.Status.Code);
        Assert.Equal("field label not supported: spec.nodeName", error.Status.Message);
    }
}
