using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Irsa.Kubernetes;
using Irsa.Server.Webhook;
using Irsa.Storage;
using Irsa.Webhook;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Irsa.Server.Tests.Webhook;

/// <summary>One real server for the class: <c>/mutate</c>, <c>/metrics</c> and in-process admission inside <c>irsa up</c>.</summary>
public sealed class InServerWebhookFixture : IAsyncLifetime
{
    public IrsaTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await IrsaTestServer.StartAsync();

        // /mutate at the root answers from the in-memory store; seed it the way an embedding host would.
        Server.Server.Services.GetRequiredService<InMemoryServiceAccountStore>().SetAnnotations("default", "app", WebhookTestData.RoleAnnotations());
        Server.Server.Services.GetRequiredService<InMemoryServiceAccountStore>().SetAnnotations("default", "plain", null);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class InServerWebhookTests(InServerWebhookFixture fixture) : IClassFixture<InServerWebhookFixture>
{
    private IrsaTestServer Server => fixture.Server;

    [Theory]
    [InlineData("v1")]
    [InlineData("v1beta1")]
    public async Task Mutate_ReturnsExactlyWhatTheLibraryReturns(string version)
    {
        var body = WebhookTestData.Review(WebhookTestData.Pod(), version);

        using var response = await PostAsync(body, "application/json");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AdmissionHandler.ResponseContentType, response.Content.Headers.ContentType!.ToString());
        var library = await LibraryHandler().HandleAsync("application/json", body);
        Assert.Equal(Encoding.UTF8.GetString(library.Body), text);
        Assert.StartsWith($$"""{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/{{version}}","response":{"uid":"5f3b1c3a""", text, StringComparison.Ordinal);

        var patch = Encoding.UTF8.GetString(WebhookTestData.Patch(text)!);
        Assert.Contains($$"""{"name":"AWS_ROLE_ARN","value":"{{WebhookTestData.RoleArn}}"}""", patch, StringComparison.Ordinal);
        Assert.Contains($$"""{"name":"AWS_REGION","value":"{{Server.Region}}"}""", patch, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mutate_UnannotatedServiceAccount_AllowedWithoutPatch()
    {
        using var response = await PostAsync(WebhookTestData.Review(WebhookTestData.Pod("plain"), "v1"), "application/json");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("""{"uid":"5f3b1c3a-0000-4000-8000-000000000001","allowed":true}}""", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/yaml")]
    [InlineData(null)]
    public async Task Mutate_WrongContentType_Is415(string? contentType)
    {
        using var response = await PostAsync(WebhookTestData.Review(WebhookTestData.Pod(), "v1"), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("Invalid Content-Type, expected `application/json`\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_CountRequestsByCode_LatencyBuckets_AndOutcomes()
    {
        (await PostAsync(WebhookTestData.Review(WebhookTestData.Pod(), "v1"), "application/json")).Dispose();
        (await PostAsync(WebhookTestData.Review(WebhookTestData.Pod(), "v1"), "text/plain")).Dispose();

        using var response = await Server.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain; version=0.0.4", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.True(Counter(text, """http_request_count{code="200",path="/mutate",verb="POST"}""") >= 1, text);
        Assert.True(Counter(text, """http_request_count{code="415",path="/mutate",verb="POST"}""") >= 1, text);
        Assert.Contains("# TYPE http_request_latencies histogram\n", text, StringComparison.Ordinal);
        Assert.True(Counter(text, """http_request_latencies_bucket{path="/mutate",verb="POST",le="+Inf"}""") >= 2, text);
        Assert.Contains("""http_request_latencies_bucket{path="/mutate",verb="POST",le="1e+06"} """, text, StringComparison.Ordinal);
        Assert.True(Counter(text, """pod_identity_webhook_pod_count{method="sts_web_identity"}""") >= 1, text);
        Assert.True(Counter(text, """irsa_webhook_admissions_total{outcome="mutated_web_identity"}""") >= 1, text);
        Assert.Contains("pod_identity_webhook_missing_sa_count ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PodAdmission_IsTheWebhook()
    {
        Assert.IsType<WebhookPodAdmission>(Server.Server.Services.GetRequiredService<IPodAdmission>());
    }

    [Fact]
    public async Task PodAdmission_AnnotatedServiceAccount_MutatesThePod()
    {
        var store = Server.Server.Services.GetRequiredService<IDocumentStore>();
        await WebhookTestData.StoreServiceAccountAsync(store, "c-annotated", "team", "reader", WebhookTestData.RoleAnnotations());
        var admission = Server.Server.Services.GetRequiredService<IPodAdmission>();
        var pod = WebhookTestData.Pod("reader", "team");

        var admitted = await admission.AdmitAsync("c-annotated", pod, CancellationToken.None);

        Assert.NotSame(pod, admitted);
        var container = Assert.Single(admitted.Spec.Containers);
        Assert.Equal(
            ["KEEP=me", "AWS_DEFAULT_REGION=" + Server.Region, "AWS_REGION=" + Server.Region, "AWS_ROLE_ARN=" + WebhookTestData.RoleArn,
                "AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/secrets/eks.amazonaws.com/serviceaccount/token"],
            container.Env.Select(e => e.Name + "=" + e.Value));
        var mount = Assert.Single(container.VolumeMounts);
        Assert.Equal(("aws-iam-token", "/var/run/secrets/eks.amazonaws.com/serviceaccount", true), (mount.Name, mount.MountPath, mount.ReadOnlyProperty == true));
        Assert.Equal(["aws-iam-token", "data"], admitted.Spec.Volumes.Select(v => v.Name));
        var token = admitted.Spec.Volumes[0].Projected.Sources.Single().ServiceAccountToken;
        Assert.Equal(("sts.amazonaws.com", 86400L, "token"), (token.Audience, token.ExpirationSeconds, token.Path));
        Assert.Equal(("web", "team", "web"), (admitted.Metadata.Name, admitted.Metadata.NamespaceProperty, admitted.Metadata.Labels["app"]));

        // The caller's pod is not touched.
        Assert.Single(pod.Spec.Volumes);
        Assert.Single(pod.Spec.Containers[0].Env);
    }

    [Fact]
    public async Task PodAdmission_SameAnswerAsTheHttpPath()
    {
        var store = Server.Server.Services.GetRequiredService<IDocumentStore>();
        await WebhookTestData.StoreServiceAccountAsync(store, "c-same", "default", "app", WebhookTestData.RoleAnnotations());
        var pod = WebhookTestData.Pod();

        var admitted = await Server.Server.Services.GetRequiredService<IPodAdmission>().AdmitAsync("c-same", pod, CancellationToken.None);
        using var response = await PostAsync(WebhookTestData.Review(pod, "v1"), "application/json");
        var patched = JsonPatch.Apply(System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(pod)),
            WebhookTestData.Patch(await response.Content.ReadAsStringAsync()));

        var viaHttp = k8s.KubernetesJson.Deserialize<V1Pod>(patched!.ToJsonString());
        Assert.Equal(k8s.KubernetesJson.Serialize(viaHttp), k8s.KubernetesJson.Serialize(admitted));
    }

    [Theory]
    [InlineData("plain", true)]
    [InlineData("missing", false)]
    public async Task PodAdmission_NoRole_LeavesThePodUnchanged(string serviceAccount, bool stored)
    {
        var store = Server.Server.Services.GetRequiredService<IDocumentStore>();
        if (stored)
        {
            await WebhookTestData.StoreServiceAccountAsync(store, "c-plain", "default", serviceAccount, new Dictionary<string, string> { ["other"] = "x" });
        }

        var pod = WebhookTestData.Pod(serviceAccount);
        var admitted = await Server.Server.Services.GetRequiredService<IPodAdmission>().AdmitAsync("c-plain", pod, CancellationToken.None);

        Assert.Same(pod, admitted);
    }

    [Fact]
    public async Task PodAdmission_OtherClusterHasNoSay()
    {
        var store = Server.Server.Services.GetRequiredService<IDocumentStore>();
        await WebhookTestData.StoreServiceAccountAsync(store, "c-one", "default", "app", WebhookTestData.RoleAnnotations());
        var pod = WebhookTestData.Pod();

        Assert.Same(pod, await Server.Server.Services.GetRequiredService<IPodAdmission>().AdmitAsync("c-two", pod, CancellationToken.None));
    }

    private AdmissionHandler LibraryHandler()
    {
        var options = WebhookPodAdmission.InServerOptions(Server.Region);
        var accounts = new InMemoryServiceAccountStore(new ServiceAccountAnnotationParser(options));
        accounts.SetAnnotations("default", "app", WebhookTestData.RoleAnnotations());
        return new AdmissionHandler(new PodMutator(options), accounts);
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return await Server.Http.PostAsync(new Uri("/mutate", UriKind.Relative), content);
    }

    private static double Counter(string exposition, string series)
    {
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? -1 : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
