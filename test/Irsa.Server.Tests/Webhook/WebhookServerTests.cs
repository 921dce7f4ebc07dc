using System.Net;
using System.Text.Json.Nodes;
using Irsa.Server.Webhook;
using Irsa.Storage;
using Irsa.Storage.Sqlite;
using Irsa.Webhook;
using k8s;
using k8s.Models;

namespace Irsa.Server.Tests.Webhook;

/// <summary>The standalone webhook (<c>irsa webhook serve</c>) over real HTTPS with a certificate made here.</summary>
public sealed class WebhookServerTests : IAsyncLifetime
{
    private const string Region = "eu-west-1";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("irsa-webhook-test-");
    private readonly InMemoryServiceAccountStore _accounts = new(new ServiceAccountAnnotationParser(WebhookPodAdmission.InServerOptions(Region)));
    private string _firstThumbprint = "";
    private WebhookServer _server = null!;

    private string CertificateFile => Path.Combine(_folder.FullName, "tls.crt");

    private string KeyFile => Path.Combine(_folder.FullName, "tls.key");

    public async Task InitializeAsync()
    {
        _firstThumbprint = WebhookTestData.WriteSelfSignedPem(CertificateFile, KeyFile, "first");
        _accounts.SetAnnotations("default", "app", WebhookTestData.RoleAnnotations());
        _server = await WebhookServer.StartAsync(new WebhookServerOptions
        {
            Port = 0,
            MetricsPort = 0,
            ListenAddress = IPAddress.Loopback,
            TlsCertificateFile = CertificateFile,
            TlsKeyFile = KeyFile,
            Webhook = WebhookPodAdmission.InServerOptions(Region),
        }, _accounts, configureLogging: _ => { });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Mutate_OverHttps_GivesTheInProcessResult()
    {
        var pod = WebhookTestData.Pod();
        using var http = NewClient(out _);
        using var content = new ByteArrayContent(WebhookTestData.Review(pod, "v1"));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        using var response = await http.PostAsync(new Uri($"https://127.0.0.1:{_server.Port}/mutate"), content);
        var patch = WebhookTestData.Patch(await response.Content.ReadAsStringAsync());

        // The in-process path: the same ServiceAccount in a document store, admitted by WebhookPodAdmission.
        await using var store = await SqlDocumentStore.OpenAsync(new SqliteDialect(Path.Combine(_folder.FullName, "irsa.db")));
        await WebhookTestData.StoreServiceAccountAsync(store, "c1", "default", "app", WebhookTestData.RoleAnnotations());
        var admission = new WebhookPodAdmission(store, WebhookPodAdmission.InServerOptions(Region), new WebhookMetrics(), TimeProvider.System);
        var admitted = await admission.AdmitAsync("c1", pod, CancellationToken.None);
        var library = await new AdmissionHandler(new PodMutator(WebhookPodAdmission.InServerOptions(Region)), _accounts).AdmitAsync(pod, "default");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(library.Mutation.Patch, patch);
        var viaHttps = KubernetesJson.Deserialize<V1Pod>(JsonPatch.Apply(JsonNode.Parse(KubernetesJson.Serialize(pod)), patch)!.ToJsonString());
        Assert.Equal(KubernetesJson.Serialize(admitted), KubernetesJson.Serialize(viaHttps));
    }

    [Fact]
    public async Task Healthz_OnTlsPort_Metrics_OnPlainPort_NothingElse()
    {
        using var https = NewClient(out _);
        using var http = new HttpClient();

        Assert.Equal("ok", await https.GetStringAsync(new Uri($"https://127.0.0.1:{_server.Port}/healthz")));
        using (var content = new ByteArrayContent(WebhookTestData.Review(WebhookTestData.Pod(), "v1beta1")))
        {
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            (await https.PostAsync(new Uri($"https://127.0.0.1:{_server.Port}/mutate"), content)).Dispose();
        }

        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{_server.MetricsPort}/metrics"));
        Assert.Contains("""http_request_count{code="200",path="/mutate",verb="POST"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("""pod_identity_webhook_pod_count{method="sts_web_identity"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("pod_identity_webhook_used 1\n", metrics, StringComparison.Ordinal);

        using var notOnPlain = await http.GetAsync(new Uri($"http://127.0.0.1:{_server.MetricsPort}/mutate"));
        using var notOnTls = await https.GetAsync(new Uri($"https://127.0.0.1:{_server.Port}/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, notOnPlain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notOnTls.StatusCode);
        Assert.Equal("404 page not found\n", await notOnTls.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Certificate_ReplacedOnDisk_IsServedOnTheNextConnection()
    {
        Assert.Equal(_firstThumbprint, await ServedThumbprintAsync());

        var second = WebhookTestData.WriteSelfSignedPem(CertificateFile, KeyFile, "second");

        Assert.NotEqual(_firstThumbprint, second);
        Assert.Equal(second, await ServedThumbprintAsync());
    }

    [Fact]
    public async Task Certificate_BrokenReplacement_KeepsServingThePreviousOne()
    {
        File.WriteAllText(CertificateFile, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");

        Assert.Equal(_firstThumbprint, await ServedThumbprintAsync());
    }

    /// <summary>A new client (so a new connection and TLS handshake) that records the certificate it was shown.</summary>
    private static HttpClient NewClient(out Func<string?> thumbprint)
    {
        string? seen = null;
        thumbprint = () => seen;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            // Self-signed on purpose: the test only records which certificate was presented.
            seen = certificate?.GetCertHashString();
            return seen is not null;
        };
        return new HttpClient(handler);
    }

    private async Task<string?> ServedThumbprintAsync()
    {
        using var client = NewClient(out var thumbprint);
        Assert.Equal("ok", await client.GetStringAsync(new Uri($"https://127.0.0.1:{_server.Port}/healthz")));
        return thumbprint();
    }
}
