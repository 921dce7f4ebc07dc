using System.Text;
using Irsa.Cluster.Errors;

namespace Irsa.Kubernetes.Tests;

public sealed class AuditEventJsonTests
{
    private static readonly DateTimeOffset Received = new(2026, 8, 1, 10, 0, 6, TimeSpan.Zero);

    [Fact]
    public void TokenRequest_event_has_kube_apiserver_member_order_and_omissions()
    {
        var auditEvent = new KubernetesAuditEvent
        {
            Level = KubernetesAuditLevel.Metadata,
            AuditId = "9f0c4c8e-1b2a-4c1d-8d8e-0a1b2c3d4e5f",
            RequestUri = "/api/v1/namespaces/default/serviceaccounts/app/token",
            Verb = "create",
            User = new KubernetesAuditUser("system:serviceaccount:kube-system:irsa-admin", "sa-uid",
                ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
                new Dictionary<string, IList<string>>
                {
                    ["authentication.kubernetes.io/pod-name"] = ["p"],
                    ["authentication.kubernetes.io/credential-id"] = ["JTI=abc"],
                }),
            SourceIps = ["127.0.0.1"],
            UserAgent = "kubectl/v1.34.0",
            ObjectRef = new KubernetesAuditObjectRef("serviceaccounts", "default", "app", ApiGroup: "", ApiVersion: "v1", Subresource: "token"),
            ResponseCode = 201,
            RequestReceivedTimestamp = Received.AddTicks(6_558_512),
            StageTimestamp = Received.AddSeconds(1),
            Annotations = new Dictionary<string, string>
            {
                ["authorization.k8s.io/reason"] = "why",
                ["authentication.kubernetes.io/issued-credential-id"] = "JTI=def",
                ["authorization.k8s.io/decision"] = "allow",
            },
        };

        var json = Encoding.UTF8.GetString(KubernetesAuditEventJson.Serialize(auditEvent));

        Assert.Equal(
            "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"9f0c4c8e-1b2a-4c1d-8d8e-0a1b2c3d4e5f\"," +
            "\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/default/serviceaccounts/app/token\",\"verb\":\"create\"," +
            "\"user\":{\"username\":\"system:serviceaccount:kube-system:irsa-admin\",\"uid\":\"sa-uid\"," +
            "\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:kube-system\",\"system:authenticated\"]," +
            "\"extra\":{\"authentication.kubernetes.io/credential-id\":[\"JTI=abc\"],\"authentication.kubernetes.io/pod-name\":[\"p\"]}}," +
            "\"sourceIPs\":[\"127.0.0.1\"],\"userAgent\":\"kubectl/v1.34.0\"," +
            "\"objectRef\":{\"resource\":\"serviceaccounts\",\"namespace\":\"default\",\"name\":\"app\",\"apiVersion\":\"v1\",\"subresource\":\"token\"}," +
            "\"responseStatus\":{\"metadata\":{},\"code\":201}," +
            "\"requestReceivedTimestamp\":\"2026-08-01T10:00:06.655851Z\",\"stageTimestamp\":\"2026-08-01T10:00:07.000000Z\"," +
            "\"annotations\":{\"authentication.kubernetes.io/issued-credential-id\":\"JTI=def\",\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"why\"}}",
            json);
    }

    [Fact]
    public void Failure_copies_the_status_members_and_an_unauthenticated_user_is_an_empty_object()
    {
        var auditEvent = new KubernetesAuditEvent
        {
            Level = KubernetesAuditLevel.Metadata,
            AuditId = "a",
            RequestUri = "/api/v1/namespaces/default/pods/p",
            Verb = "get",
            ResponseCode = 404,
            ResponseFailure = KubernetesStatus.NotFound("", "pods", "p"),
            RequestReceivedTimestamp = Received,
            StageTimestamp = Received,
        };

        var json = Encoding.UTF8.GetString(KubernetesAuditEventJson.Serialize(auditEvent));

        Assert.Contains("\"verb\":\"get\",\"user\":{},\"responseStatus\":", json, StringComparison.Ordinal);
        Assert.Contains("\"responseStatus\":{\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods \\\"p\\\" not found\",\"reason\":\"NotFound\"," +
            "\"details\":{\"name\":\"p\",\"kind\":\"pods\"},\"code\":404}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("objectRef", json, StringComparison.Ordinal);
        Assert.DoesNotContain("annotations", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Bodies_are_written_compactly_on_one_line_with_go_escaping()
    {
        var auditEvent = new KubernetesAuditEvent
        {
            Level = KubernetesAuditLevel.RequestResponse,
            AuditId = "a",
            RequestUri = "/api/v1/namespaces",
            Verb = "create",
            ResponseCode = 201,
            RequestObject = Encoding.UTF8.GetBytes("{\n  \"kind\": \"Namespace\",\n  \"metadata\": {\"name\": \"<x>\", \"n\": 1.50}\n}"),
            ResponseObject = Encoding.UTF8.GetBytes("[true, null]"),
            RequestReceivedTimestamp = Received,
            StageTimestamp = Received,
        };

        var json = Encoding.UTF8.GetString(KubernetesAuditEventJson.Serialize(auditEvent));

        Assert.DoesNotContain("\n", json, StringComparison.Ordinal);
        Assert.Contains("\"requestObject\":{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"\\u003cx\\u003e\",\"n\":1.50}},\"responseObject\":[true,null],", json,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-08-01T10:00:06.0000001Z", "2026-08-01T10:00:06.000000Z")]
    [InlineData("2026-08-01T12:00:06.1234567+02:00", "2026-08-01T10:00:06.123456Z")]
    public void MicroTime_is_utc_with_six_fractional_digits(string value, string expected) =>
        Assert.Equal(expected, KubernetesAuditEventJson.MicroTime(DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
}
