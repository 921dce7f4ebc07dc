namespace Irsa.Server.Tests.Cluster;

/// <summary><c>kubectl explain</c> 1.32 over the served OpenAPI v3 documents.</summary>
public sealed class KubectlExplainTests(KubectlCluster cluster) : IClassFixture<KubectlCluster>
{
    [Fact]
    public async Task Explain_prints_a_fields_type_and_description()
    {
        var result = await cluster.RunAsync("explain", "pod.spec.serviceAccountName");

        Assert.True(result.Code == 0, result.Error);
        Assert.StartsWith("KIND:       Pod\nVERSION:    v1\n\nFIELD: serviceAccountName <string>\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("DESCRIPTION:\n    The service account the pod runs as", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_prints_a_kinds_description_and_fields()
    {
        var result = await cluster.RunAsync("explain", "serviceaccount");

        Assert.True(result.Code == 0, result.Error);
        Assert.StartsWith("KIND:       ServiceAccount\nVERSION:    v1\n\nDESCRIPTION:\n    A service account is the identity", result.Output, StringComparison.Ordinal);
        Assert.Contains("\nFIELDS:\n  apiVersion\t<string>\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("\n  automountServiceAccountToken\t<boolean>\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("\n  imagePullSecrets\t<[]LocalObjectReference>\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("\n  metadata\t<ObjectMeta>\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_follows_references_into_rbac_and_review_kinds()
    {
        var roleRef = await cluster.RunAsync("explain", "clusterrolebinding.roleRef");
        var recursive = await cluster.RunAsync("explain", "clusterrole", "--recursive");
        var review = await cluster.RunAsync("explain", "selfsubjectaccessreview.spec.resourceAttributes.verb");
        var missing = await cluster.RunAsync("explain", "pod.spec.nope");

        Assert.True(roleRef.Code == 0, roleRef.Error);
        Assert.StartsWith("GROUP:      rbac.authorization.k8s.io\nKIND:       ClusterRoleBinding\nVERSION:    v1\n\nFIELD: roleRef <RoleRef>\n", roleRef.Output, StringComparison.Ordinal);
        Assert.Contains("\n  name\t<string> -required-\n", roleRef.Output, StringComparison.Ordinal);
        Assert.True(recursive.Code == 0, recursive.Error);
        Assert.Contains("\n  aggregationRule\t<AggregationRule>\n    clusterRoleSelectors\t<[]LabelSelector>\n      matchExpressions\t<[]LabelSelectorRequirement>\n", recursive.Output, StringComparison.Ordinal);
        Assert.True(review.Code == 0, review.Error);
        Assert.Contains("FIELD: verb <string>", review.Output, StringComparison.Ordinal);
        Assert.Equal(1, missing.Code);
        Assert.Equal("error: field \"nope\" does not exist\n", missing.Error);
    }
}
