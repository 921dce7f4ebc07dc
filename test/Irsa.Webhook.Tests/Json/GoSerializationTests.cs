using static Irsa.Webhook.Tests.TestPods;

namespace Irsa.Webhook.Tests.Json;

/// <summary>Quirks of Go's <c>encoding/json</c> that the container re-serialisation must reproduce (spec section 8).</summary>
public sealed class GoSerializationTests
{
    private static string ContainersOf(string containerJson)
    {
        var pod = FromJson("{\"spec\":{\"volumes\":[{\"name\":\"aws-iam-token\"}],\"containers\":[" + containerJson + "]}}");
        var patch = PatchText(new PodMutator(new WebhookOptions()).Mutate(pod, Sa(), false));
        const string Prefix = "[{\"op\":\"add\",\"path\":\"/spec/containers\",\"value\":[";
        Assert.StartsWith(Prefix, patch, StringComparison.Ordinal);
        return patch[Prefix.Length..^3];
    }

    private const string Injected = "\"env\":[{\"name\":\"AWS_ROLE_ARN\",\"value\":\"arn:aws:iam::111122223333:role/s3-reader\"},{\"name\":\"AWS_WEB_IDENTITY_TOKEN_FILE\",\"value\":\"/var/run/secrets/eks.amazonaws.com/serviceaccount/token\"}],\"resources\":{},\"volumeMounts\":[{\"name\":\"aws-iam-token\",\"readOnly\":true,\"mountPath\":\"/var/run/secrets/eks.amazonaws.com/serviceaccount\"}]";

    [Fact]
    public void FieldOrder_IsGoStructOrder_NotInputOrder()
    {
        var json = ContainersOf("""{"tty":true,"imagePullPolicy":"Always","args":["b"],"command":["a"],"image":"i","name":"n","workingDir":"/w"}""");
        Assert.Equal("{\"name\":\"n\",\"image\":\"i\",\"command\":[\"a\"],\"args\":[\"b\"],\"workingDir\":\"/w\"," + Injected + ",\"imagePullPolicy\":\"Always\",\"tty\":true}", json);
    }

    [Fact]
    public void OmitEmpty_DropsEmptyValues_PointersAreKept()
    {
        var json = ContainersOf("""{"name":"n","image":"","stdin":false,"ports":[],"securityContext":{"privileged":false,"runAsUser":0}}""");
        Assert.Equal("{\"name\":\"n\"," + Injected + ",\"securityContext\":{\"privileged\":false,\"runAsUser\":0}}", json);
    }

    [Fact]
    public void UnknownFields_AreDropped_NamesMatchCaseInsensitively()
    {
        var json = ContainersOf("""{"Name":"n","IMAGE":"i","bogus":{"x":1},"volumeMounts":[{"name":"m","path":"/p"}]}""");
        Assert.StartsWith("{\"name\":\"n\",\"image\":\"i\",", json, StringComparison.Ordinal);
        Assert.Contains("\"volumeMounts\":[{\"name\":\"m\",\"mountPath\":\"\"},{\"name\":\"aws-iam-token\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("bogus", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantities_AreCanonical_MapKeysSorted()
    {
        var json = ContainersOf("""{"name":"n","resources":{"requests":{"memory":"1Gi","cpu":"0.5"},"limits":{"memory":"1000","cpu":"1000m"}}}""");
        Assert.Contains("\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1k\"},\"requests\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"}}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void IntOrString_KeepsItsKind()
    {
        var json = ContainersOf("""{"name":"n","livenessProbe":{"httpGet":{"port":8080}},"readinessProbe":{"httpGet":{"port":"8080"}},"startupProbe":{"tcpSocket":{"port":"http"}}}""");
        Assert.Contains("\"livenessProbe\":{\"httpGet\":{\"port\":8080}},\"readinessProbe\":{\"httpGet\":{\"port\":\"8080\"}},\"startupProbe\":{\"tcpSocket\":{\"port\":\"http\"}}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void GrpcService_IsNullWhenUnset_DivisorIsZeroWhenUnset()
    {
        var json = ContainersOf("""{"name":"n","env":[{"name":"L","valueFrom":{"resourceFieldRef":{"resource":"limits.cpu"}}}],"readinessProbe":{"grpc":{"port":1}}}""");
        Assert.Contains("{\"name\":\"L\",\"valueFrom\":{\"resourceFieldRef\":{\"resource\":\"limits.cpu\",\"divisor\":\"0\"}}}", json, StringComparison.Ordinal);
        Assert.Contains("\"readinessProbe\":{\"grpc\":{\"port\":1,\"service\":null}}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Strings_UseGoHtmlSafeEscaping()
    {
        var json = ContainersOf("{\"name\":\"n\",\"args\":[\"<a>&b\",\"\\u2028\\u2029\",\"caf\\u00e9 \\ud83d\\ude00\",\"\\u0001\\b\\f\\n\\r\\t\\\"\\\\/\"]}");
        Assert.Contains("\"args\":[\"\\u003ca\\u003e\\u0026b\",\"\\u2028\\u2029\",\"café 😀\",\"\\u0001\\b\\f\\n\\r\\t\\\"\\\\/\"]", json, StringComparison.Ordinal);
    }
}
