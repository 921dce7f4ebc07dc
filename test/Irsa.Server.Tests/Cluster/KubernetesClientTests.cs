using k8s;
using k8s.Models;

namespace Irsa.Server.Tests.Cluster;

/// <summary>The official KubernetesClient, pointed at a cluster's endpoint with the admin token, as an independent client.</summary>
public sealed class KubernetesClientTests
{
    [Fact]
    public async Task Official_client_creates_reads_patches_and_requests_tokens()
    {
        await using var kube = await KubeCluster.StartAsync();
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration
        {
            Host = kube.Endpoint,
            AccessToken = kube.AdminToken,
            // The cluster's CA, as DescribeCluster publishes it (what a kubeconfig's certificate-authority-data holds).
            SslCaCerts = [kube.CertificateAuthority],
        });

        var version = await client.Version.GetCodeAsync();
        var created = await client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "app" } }, "default");
        var patched = await client.CoreV1.PatchNamespacedServiceAccountAsync(
            new V1Patch("{\"metadata\":{\"annotations\":{\"eks.amazonaws.com/role-arn\":\"arn:aws:iam::111122223333:role/r\"}}}", V1Patch.PatchType.MergePatch),
            "app", "default");
        var pod = await client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p" },
            Spec = new V1PodSpec { ServiceAccountName = "app", NodeName = "node-1", Containers = [new V1Container { Name = "c", Image = "busybox" }] },
        }, "default");
        var token = await client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest
        {
            Spec = new V1TokenRequestSpec
            {
                Audiences = ["sts.amazonaws.com"],
                ExpirationSeconds = 86400,
                BoundObjectRef = new V1BoundObjectReference { Kind = "Pod", ApiVersion = "v1", Name = "p", Uid = pod.Metadata.Uid },
            },
        }, "app", "default");
        var review = await client.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview
        {
            Spec = new V1TokenReviewSpec { Token = token.Status.Token, Audiences = ["sts.amazonaws.com"] },
        });
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync();
        var accounts = await client.CoreV1.ListNamespacedServiceAccountAsync("default");

        Assert.Equal("1", version.Major);
        Assert.Equal(created.Metadata.Uid, patched.Metadata.Uid);
        Assert.NotEqual(created.Metadata.ResourceVersion, patched.Metadata.ResourceVersion);
        Assert.Equal("arn:aws:iam::111122223333:role/r", patched.Metadata.Annotations["eks.amazonaws.com/role-arn"]);
        Assert.Equal("app", pod.Spec.ServiceAccountName);
        Assert.Equal(86400, token.Spec.ExpirationSeconds);
        Assert.True(review.Status.Authenticated);
        Assert.Equal("system:serviceaccount:default:app", review.Status.User.Username);
        Assert.Equal("p", Assert.Single(pods.Items).Metadata.Name);
        Assert.Contains(accounts.Items, a => a.Metadata.Name == "app");

        await client.CoreV1.DeleteNamespacedPodAsync("p", "default");
        var error = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.CoreV1.ReadNamespacedPodAsync("p", "default"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task Official_client_watches_pods_from_a_list_resource_version()
    {
        await using var kube = await KubeCluster.StartAsync();
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = kube.Endpoint, AccessToken = kube.AdminToken });
        await kube.CreatePodAsync("default", "before");
        var list = await client.CoreV1.ListNamespacedPodAsync("default");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<(WatchEventType Type, string Name)>();

        var watching = Task.Run(async () =>
        {
            var pods = new k8s.ClientSets.ClientSet(client).CoreV1.Pod;
            await foreach (var (type, pod) in pods.WatchListAsync("default", allowWatchBookmarks: true, resourceVersion: list.Metadata.ResourceVersion,
                cancellationToken: stop.Token))
            {
                events.Add((type, pod.Metadata.Name));
                if (type == WatchEventType.Deleted)
                {
                    break;
                }
            }
        });
        await Task.Delay(500);
        await kube.CreatePodAsync("default", "after");
        await client.CoreV1.PatchNamespacedPodAsync(new V1Patch("{\"metadata\":{\"labels\":{\"seen\":\"yes\"}}}", V1Patch.PatchType.MergePatch), "after", "default");
        await client.CoreV1.DeleteNamespacedPodAsync("after", "default");
        await watching.WaitAsync(stop.Token);

        Assert.Equal([(WatchEventType.Added, "after"), (WatchEventType.Modified, "after"), (WatchEventType.Deleted, "after")], events);
    }
}
