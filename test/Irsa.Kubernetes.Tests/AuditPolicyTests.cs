namespace Irsa.Kubernetes.Tests;

public sealed class AuditPolicyTests
{
    [Theory]
    [InlineData("", "serviceaccounts", "token", KubernetesAuditLevel.Metadata)]
    [InlineData("authentication.k8s.io", "tokenreviews", "", KubernetesAuditLevel.Metadata)]
    [InlineData("", "serviceaccounts", "", KubernetesAuditLevel.RequestResponse)]
    [InlineData("", "pods", "", KubernetesAuditLevel.RequestResponse)]
    public void Token_bearing_resources_never_exceed_metadata(string group, string resource, string subresource, KubernetesAuditLevel expected)
    {
        var options = new KubernetesAuditOptions { Level = KubernetesAuditLevel.RequestResponse };

        Assert.Equal(expected, options.LevelFor(group, resource, subresource));
    }

    [Fact]
    public void Level_none_stays_none_for_token_requests()
    {
        var options = new KubernetesAuditOptions { Level = KubernetesAuditLevel.None };

        Assert.Equal(KubernetesAuditLevel.None, options.LevelFor("", "serviceaccounts", "token"));
    }

    [Theory]
    [InlineData("client-id-1", "client-id-1")]
    [InlineData("7b4e2c9a-0000-4000-8000-000000000001", "7b4e2c9a-0000-4000-8000-000000000001")]
    public void A_valid_client_audit_id_is_kept(string header, string expected) => Assert.Equal(expected, KubernetesAuditEvents.AuditId(header));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("new\nline")]
    public void An_invalid_or_missing_audit_id_is_replaced_by_a_uuid(string? header)
    {
        var id = KubernetesAuditEvents.AuditId(header);

        Assert.NotEqual(header, id);
        Assert.True(Guid.TryParse(id, out _), id);
    }

    [Fact]
    public void An_audit_id_of_256_characters_is_replaced() =>
        Assert.NotEqual(new string('a', 256), KubernetesAuditEvents.AuditId(new string('a', 256)));
}
