using k8s.Models;

namespace Irsa.Kubernetes.Tests;

public sealed class RbacRulesTests
{
    private static readonly V1UserInfo Reader = new()
    {
        Username = "system:serviceaccount:team:reader",
        Groups = ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"],
    };

    private static KubernetesAccessRequest Resource(string verb, string group, string resource, string subresource = "", string ns = "team", string name = "") =>
        new(null!, Reader, verb, group, resource, subresource, ns, name);

    [Theory]
    [InlineData("get", "", "pods", "", "", true)]
    [InlineData("delete", "", "pods", "", "", false)]
    [InlineData("get", "apps", "pods", "", "", false)]
    [InlineData("get", "", "pods", "log", "", false)]
    [InlineData("get", "", "pods", "", "p1", true)]
    public void Verbs_groups_and_resources_must_all_match(string verb, string group, string resource, string subresource, string name, bool allowed)
    {
        var rule = new V1PolicyRule { Verbs = ["get", "list"], ApiGroups = [""], Resources = ["pods"] };

        Assert.Equal(allowed, RbacRules.Allows(rule, Resource(verb, group, resource, subresource, name: name)));
    }

    [Fact]
    public void Subresources_match_by_name_or_star_slash()
    {
        var log = Resource("get", "", "pods", "log");

        Assert.True(RbacRules.Allows(new V1PolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["pods/log"] }, log));
        Assert.True(RbacRules.Allows(new V1PolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["*/log"] }, log));
        Assert.True(RbacRules.Allows(new V1PolicyRule { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"] }, log));
        Assert.False(RbacRules.Allows(new V1PolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["pods"] }, log));
    }

    [Fact]
    public void Resource_names_restrict_named_requests_only()
    {
        var rule = new V1PolicyRule { Verbs = ["get", "list"], ApiGroups = [""], Resources = ["pods"], ResourceNames = ["p1"] };

        Assert.True(RbacRules.Allows(rule, Resource("get", "", "pods", name: "p1")));
        Assert.False(RbacRules.Allows(rule, Resource("get", "", "pods", name: "p2")));
        Assert.False(RbacRules.Allows(rule, Resource("list", "", "pods")));
    }

    [Theory]
    [InlineData("/api", true)]
    [InlineData("/apis/rbac.authorization.k8s.io/v1", true)]
    [InlineData("/healthz", false)]
    public void Non_resource_urls_match_exactly_or_by_trailing_star(string path, bool allowed)
    {
        var rule = new V1PolicyRule { Verbs = ["get"], NonResourceURLs = ["/api", "/apis/*"] };

        Assert.Equal(allowed, RbacRules.Allows(rule, new KubernetesAccessRequest(null!, Reader, "get", "", "", "", "", "", path)));
        Assert.False(RbacRules.Allows(new V1PolicyRule { Verbs = ["get"], ApiGroups = ["*"], Resources = ["*"] },
            new KubernetesAccessRequest(null!, Reader, "get", "", "", "", "", "", path)));
    }

    [Fact]
    public void Subjects_match_users_groups_and_service_accounts()
    {
        Assert.Equal("User \"system:serviceaccount:team:reader\"",
            RbacRules.AppliesTo([new Rbacv1Subject { Kind = "User", Name = "system:serviceaccount:team:reader" }], Reader, ""));
        Assert.Equal("Group \"system:serviceaccounts:team\"",
            RbacRules.AppliesTo([new Rbacv1Subject { Kind = "Group", Name = "system:serviceaccounts:team" }], Reader, ""));
        Assert.Equal("ServiceAccount \"reader/team\"",
            RbacRules.AppliesTo([new Rbacv1Subject { Kind = "ServiceAccount", Name = "reader", NamespaceProperty = "team" }], Reader, ""));
        Assert.Equal("ServiceAccount \"reader/team\"",
            RbacRules.AppliesTo([new Rbacv1Subject { Kind = "ServiceAccount", Name = "reader" }], Reader, "team"));
        Assert.Null(RbacRules.AppliesTo([new Rbacv1Subject { Kind = "ServiceAccount", Name = "reader", NamespaceProperty = "other" }], Reader, ""));
        Assert.Null(RbacRules.AppliesTo([new Rbacv1Subject { Kind = "Group", Name = "system:masters" }], Reader, ""));
    }
}
