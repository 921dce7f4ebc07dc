using System.Net;
using System.Text.Json.Nodes;

namespace Irsa.Server.Tests.Cluster;

/// <summary>The bootstrap RBAC policy is reconciled when the server starts, as kube-apiserver reconciles its own.</summary>
public sealed class RbacBootstrapTests
{
    [Fact]
    public async Task Restart_restores_missing_bootstrap_objects_and_leaves_ones_marked_autoupdate_false()
    {
        var server = await IrsaTestServer.StartAsync();
        var kube = await KubeCluster.ForAsync(server);
        await kube.CreateServiceAccountAsync("default", "reader");
        var reader = await kube.TokenAsync("default", "reader");
        // A data folder from before these objects existed: they are simply not in the store.
        foreach (var path in new[]
        {
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:discovery",
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:basic-user",
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/view",
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:aggregate-to-view",
        })
        {
            var deleted = await kube.DeleteAsync(path);
            Assert.True(deleted.Status == HttpStatusCode.OK, deleted.Body);
        }

        // An operator's own version of a bootstrap role, marked to be left alone.
        var edited = await kube.PatchAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles/system:public-info-viewer",
            """{"metadata":{"annotations":{"rbac.authorization.kubernetes.io/autoupdate":"false"}},"rules":[{"nonResourceURLs":["/healthz"],"verbs":["get"]}]}""");
        Assert.True(edited.Status == HttpStatusCode.OK, edited.Body);
        Assert.Equal(HttpStatusCode.Forbidden, (await kube.GetAsync("/api", reader)).Status);
        var data = server.DataDirectory;
        await server.StopAsync();

        await using var restarted = await KubeCluster.ExistingAsync(await IrsaTestServer.StartAsync(data), "demo");
        reader = await restarted.TokenAsync("default", "reader"); // the issuer names the new port

        var discovery = await restarted.GetAsync("/api", reader);
        var review = await restarted.PostAsync("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"create","resource":"pods","namespace":"default"}}}""", reader);
        var view = await restarted.GetAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles/view");
        var infoViewer = await restarted.GetAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles/system:public-info-viewer");
        var basicUser = await restarted.GetAsync("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:basic-user");

        Assert.True(discovery.Status == HttpStatusCode.OK, discovery.Body);
        Assert.True(review.Status == HttpStatusCode.Created, review.Body);
        Assert.False(review.Json["status"]!["allowed"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, view.Status);
        Assert.Equal("true", view.Json["metadata"]!["annotations"]!["rbac.authorization.kubernetes.io/autoupdate"]!.GetValue<string>());
        Assert.Equal("rbac.authorization.k8s.io/aggregate-to-view",
            ((JsonObject)view.Json["aggregationRule"]!["clusterRoleSelectors"]![0]!["matchLabels"]!).Single().Key);
        Assert.Contains(view.Json["rules"]!.AsArray(), r => r!["resources"]!.AsArray().Any(x => x!.GetValue<string>() == "pods")
            && r["verbs"]!.AsArray().Select(v => v!.GetValue<string>()).SequenceEqual(["get", "list", "watch"]));
        Assert.Equal("""[{"nonResourceURLs":["/healthz"],"verbs":["get"]}]""", infoViewer.Json["rules"]!.ToJsonString());
        Assert.Equal("system:authenticated", basicUser.Json["subjects"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reconciling_a_current_cluster_writes_nothing()
    {
        await using var kube = await KubeCluster.StartAsync();
        var before = (await kube.GetAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles")).Json["metadata"]!["resourceVersion"]!.GetValue<string>();

        var changed = await Irsa.Kubernetes.KubernetesObjects.ReconcileBootstrapPolicyAsync(
            (Irsa.Storage.IDocumentStore)kube.Server.Server.Services.GetService(typeof(Irsa.Storage.IDocumentStore))!, kube.Id, DateTimeOffset.UtcNow, CancellationToken.None);
        var after = (await kube.GetAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles")).Json["metadata"]!["resourceVersion"]!.GetValue<string>();

        Assert.False(changed);
        Assert.Equal(before, after);
    }
}
