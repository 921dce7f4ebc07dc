namespace Irsa.Kubernetes.Tests;

public sealed class RouteTests
{
    [Theory]
    [InlineData("POST", "/api/v1/namespaces/default/serviceaccounts/app/token", "create", "", "serviceaccounts", "token", "default", "app")]
    [InlineData("GET", "/api/v1/namespaces/default/pods", "list", "", "pods", "", "default", "")]
    [InlineData("GET", "/api/v1/pods", "list", "", "pods", "", "", "")]
    [InlineData("PUT", "/api/v1/namespaces/ns/serviceaccounts/a", "update", "", "serviceaccounts", "", "ns", "a")]
    [InlineData("PATCH", "/api/v1/namespaces/ns/serviceaccounts/a", "patch", "", "serviceaccounts", "", "ns", "a")]
    [InlineData("DELETE", "/api/v1/namespaces/ns", "delete", "", "namespaces", "", "ns", "ns")]
    [InlineData("DELETE", "/api/v1/namespaces/ns/pods", "deletecollection", "", "pods", "", "ns", "")]
    [InlineData("POST", "/apis/authentication.k8s.io/v1/tokenreviews", "create", "authentication.k8s.io", "tokenreviews", "", "", "")]
    public void Resource_paths_parse_to_verb_and_object(string method, string path, string verb, string group, string resource, string subresource,
        string ns, string name)
    {
        var route = KubernetesRoute.Parse(method, path);

        Assert.NotNull(route);
        Assert.Equal(new KubernetesRoute(verb, group, resource, subresource, ns, name, ""), route);
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/version", "/version")]
    [InlineData("/api/v1/", "/api/v1")]
    [InlineData("/apis/authentication.k8s.io", "/apis/authentication.k8s.io")]
    public void Discovery_paths_are_non_resource_routes(string path, string discoveryPath)
    {
        var route = KubernetesRoute.Parse("GET", path);

        Assert.True(route!.IsDiscovery);
        Assert.Equal(discoveryPath, route.DiscoveryPath);
    }

    [Theory]
    [InlineData("/api/v2/pods")]
    [InlineData("/apis/apps/v1/deployments")]
    [InlineData("/api/v1/namespaces/../pods")]
    [InlineData("/api/v1/namespaces/a/pods/b/c/d")]
    public void Unknown_paths_have_no_route(string path) => Assert.Null(KubernetesRoute.Parse("GET", path));
}
