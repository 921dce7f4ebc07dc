using Irsa.Cluster.Errors;
using k8s.Models;

namespace Irsa.Kubernetes.Tests;

/// <summary>The whole pipeline without HTTP: error mapping, the Audit-ID header and what the audit step records.</summary>
public sealed class PipelineTests
{
    [Fact]
    public async Task Unknown_cluster_is_a_404_status_with_the_client_audit_id_and_no_event()
    {
        await using var cluster = await TestCluster.StartAsync();

        var response = await cluster.SendAsync("GET", "/api/v1/namespaces", clusterId: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            headers: new() { ["Audit-ID"] = "client-chosen-id" });

        Assert.Equal(404, response.StatusCode);
        Assert.Equal("Status", response.Json["kind"]!.GetValue<string>());
        Assert.Equal("NotFound", response.Json["reason"]!.GetValue<string>());
        Assert.Equal("client-chosen-id", response.Header("Audit-ID"));
        Assert.Empty(cluster.Audit.Events);
    }

    [Fact]
    public async Task Unexpected_exception_is_a_500_internal_error_without_details_logged_and_audited()
    {
        await using var cluster = await TestCluster.StartAsync(admission: new ThrowingAdmission());

        var response = await cluster.SendAsync("POST", "/api/v1/namespaces/default/pods",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"b\"}]}}");

        Assert.Equal(500, response.StatusCode);
        Assert.Equal("InternalError", response.Json["reason"]!.GetValue<string>());
        Assert.Contains(response.Header("Audit-ID")!, response.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret detail", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("ThrowingAdmission", response.Body, StringComparison.Ordinal);
        var logged = Assert.Single(cluster.Log.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, logged.Level);
        Assert.IsType<InvalidOperationException>(logged.Exception);
        Assert.Equal(500, cluster.Audit.Last["responseStatus"]!["code"]!.GetValue<int>());
        Assert.Equal("p", cluster.Audit.Last["objectRef"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admission_refusal_is_returned_as_its_status()
    {
        await using var cluster = await TestCluster.StartAsync(admission: new RefusingAdmission());

        var response = await cluster.SendAsync("POST", "/api/v1/namespaces/default/pods",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"b\"}]}}");

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("pods \"p\" is forbidden: refused", response.Json["message"]!.GetValue<string>());
        Assert.Empty(cluster.Log.Entries);
    }

    [Fact]
    public async Task At_request_response_level_token_requests_stay_at_metadata_and_the_token_is_never_recorded()
    {
        await using var cluster = await TestCluster.StartAsync(new KubernetesAuditOptions { Level = KubernetesAuditLevel.RequestResponse });

        var issued = await cluster.SendAsync("POST", "/api/v1/namespaces/default/serviceaccounts/default/token",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}");
        var token = issued.Json["status"]!["token"]!.GetValue<string>();
        var review = await cluster.SendAsync("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
            $"{{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{{\"token\":\"{token}\"}}}}");
        var created = await cluster.SendAsync("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team\"}}");

        Assert.Equal([201, 201, 201], new[] { issued.StatusCode, review.StatusCode, created.StatusCode });
        var (tokenRequest, tokenReview, ns) = (cluster.Audit.Events[0], cluster.Audit.Events[1], cluster.Audit.Events[2]);
        Assert.Equal(KubernetesAuditLevel.Metadata, tokenRequest.Event.Level);
        Assert.Equal(KubernetesAuditLevel.Metadata, tokenReview.Event.Level);
        Assert.All(cluster.Audit.Events, e => Assert.DoesNotContain(token, e.Line, StringComparison.Ordinal));
        Assert.DoesNotContain("requestObject", tokenRequest.Line, StringComparison.Ordinal);
        Assert.DoesNotContain("responseObject", tokenReview.Line, StringComparison.Ordinal);
        Assert.Equal(KubernetesAuditLevel.RequestResponse, ns.Event.Level);
        Assert.Contains("\"requestObject\":{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team\"}}", ns.Line, StringComparison.Ordinal);
        Assert.Contains("\"responseObject\":{", ns.Line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_ips_follow_forwarded_for_then_real_ip_then_the_peer()
    {
        await using var cluster = await TestCluster.StartAsync();

        await cluster.SendAsync("GET", "/version", headers: new() { ["X-Forwarded-For"] = "10.0.0.1, 10.0.0.2", ["X-Real-Ip"] = "10.0.0.1" });

        Assert.Equal(["10.0.0.1", "10.0.0.2", "127.0.0.1"], cluster.Audit.Events[0].Event.SourceIps);
        Assert.Equal("get", cluster.Audit.Events[0].Event.Verb);
        Assert.Null(cluster.Audit.Events[0].Event.ObjectRef);
    }

    private sealed class ThrowingAdmission : IPodAdmission
    {
        public Task<V1Pod> AdmitAsync(string clusterId, V1Pod pod, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("secret detail");
    }

    private sealed class RefusingAdmission : IPodAdmission
    {
        public Task<V1Pod> AdmitAsync(string clusterId, V1Pod pod, CancellationToken cancellationToken) =>
            throw new PodAdmissionException(KubernetesStatus.Forbidden("", "pods", "p", "refused"));
    }
}
