using System.Text;
using static Irsa.Webhook.Tests.TestPods;

namespace Irsa.Webhook.Tests.Handler;

public sealed class MalformedInputTests
{
    private const string Pod = """{"spec":{"serviceAccountName":"sa","containers":[{"name":"a"}]}}""";

    private static (AdmissionHandler Handler, RecordingMetrics Metrics) Create()
    {
        var store = new InMemoryServiceAccountStore();
        store.Set("default", "sa", Sa());
        var metrics = new RecordingMetrics();
        return (new AdmissionHandler(new PodMutator(new WebhookOptions()), store, metrics: metrics), metrics);
    }

    private static async Task<string> Body(string? contentType, string body)
    {
        var response = await Create().Handler.HandleAsync(contentType, Encoding.UTF8.GetBytes(body));
        return Encoding.UTF8.GetString(response.Body);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData("")]
    [InlineData(null)]
    public async Task ContentType_MustBeExact(string? contentType)
    {
        var (handler, metrics) = Create();
        var response = await handler.HandleAsync(contentType, Review(Pod));
        Assert.Equal(415, response.StatusCode);
        Assert.Equal("Invalid Content-Type, expected `application/json`\n", Encoding.UTF8.GetString(response.Body));
        Assert.Equal([415], metrics.Statuses);
    }

    [Theory]
    [InlineData("{\"request\":", "couldn't get version/kind; json parse error: unexpected end of JSON input")]
    [InlineData("{\"request\":x}", "couldn't get version/kind; json parse error: invalid character 'x' looking for beginning of value")]
    [InlineData("{} {}", "couldn't get version/kind; json parse error: invalid character '{' after top-level value")]
    [InlineData("{\"kind\":5}", "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string")]
    [InlineData("{\"request\":\"x\"}", "json: cannot unmarshal string into Go struct field AdmissionReview.request of type v1.AdmissionRequest")]
    [InlineData("{\"request\":null}", "bad content")]
    [InlineData("   ", "bad content")]
    [InlineData("{\"Request\":{\"uid\":\"x\"}}", "bad content")]
    public async Task UndecodableReview_IsDeniedWithMessage(string body, string message) =>
        Assert.Equal("{\"response\":{\"uid\":\"\",\"allowed\":false,\"status\":{\"metadata\":{},\"message\":\"" + message.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"}}}", await Body("application/json", body));

    [Theory]
    [InlineData("{\"request\":{\"uid\":\"u\"}}", "unexpected end of JSON input")]
    [InlineData("{\"request\":{\"uid\":\"u\",\"object\":null}}", "unexpected end of JSON input")]
    [InlineData("{\"request\":{\"uid\":\"u\",\"object\":42}}", "json: cannot unmarshal number into Go value of type v1.Pod")]
    [InlineData("{\"request\":{\"uid\":\"u\",\"object\":[]}}", "json: cannot unmarshal array into Go value of type v1.Pod")]
    public async Task UndecodablePod_IsDeniedWithRequestUid(string body, string message) =>
        Assert.Equal("{\"response\":{\"uid\":\"u\",\"allowed\":false,\"status\":{\"metadata\":{},\"message\":\"" + message + "\"}}}", await Body("application/json", body));

    [Fact]
    public async Task PodFieldOfWrongType_IsDenied_NotThrown()
    {
        var (handler, metrics) = Create();
        var response = await handler.HandleAsync("application/json", Review("""{"spec":{"containers":"nope"}}"""));
        Assert.Equal(200, response.StatusCode);
        Assert.Contains("\"allowed\":false", Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
        Assert.Equal([AdmissionOutcome.Rejected], metrics.Outcomes);
    }

    [Theory]
    [InlineData("admission.k8s.io/v1")]
    [InlineData("admission.k8s.io/v1beta1")]
    public async Task Version_IsEchoed_KindFirst(string apiVersion)
    {
        var body = await Body("application/json", Encoding.UTF8.GetString(Review(Pod, typeMeta: "\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"AdmissionReview\",")));
        Assert.StartsWith("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"" + apiVersion + "\",\"response\":{\"uid\":\"u1\",\"allowed\":true,\"patch\":\"", body, StringComparison.Ordinal);
        Assert.EndsWith("\",\"patchType\":\"JSONPatch\"}}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RandomBytes_NeverThrow()
    {
        var (handler, _) = Create();
        var random = new Random(42);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 0)
            {
                bytes[0] = (byte)'{';
            }

            var response = await handler.HandleAsync("application/json", bytes);
            Assert.Equal(200, response.StatusCode);
        }
    }

    [Fact]
    public async Task Metrics_RecordOutcomes()
    {
        var (handler, metrics) = Create();
        await handler.HandleAsync("application/json", Review(Pod));
        await handler.HandleAsync("application/json", Review("""{"spec":{"serviceAccountName":"other","containers":[]}}"""));
        await handler.HandleAsync("application/json", "{}"u8.ToArray());
        Assert.Equal([AdmissionOutcome.MutatedWebIdentity, AdmissionOutcome.ServiceAccountMissing, AdmissionOutcome.Rejected], metrics.Outcomes);
        Assert.Equal([200, 200, 200], metrics.Statuses);
    }
}
