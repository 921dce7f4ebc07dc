using System.Net;

namespace Irsa.Server.Tests.Telemetry;

/// <summary><c>GET /metrics</c> serves the webhook's upstream-named families and Irsa's own meter together.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_CountAwsCallsByServiceOperationAndErrorCode_BesideTheWebhookFamilies()
    {
        await using var server = await IrsaTestServer.StartAsync();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "GetCallerIdentity", ["Version"] = "2011-06-15" });
        using (var unsigned = await server.Http.PostAsync(new Uri("/", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        }

        using var response = await server.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE http_request_count counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE pod_identity_webhook_used gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE irsa_aws_calls_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("""irsa_aws_calls_total{aws_error_code="MissingAuthenticationToken",aws_operation="GetCallerIdentity",aws_service="sts"} """,
            text, StringComparison.Ordinal);
        Assert.Contains("# TYPE irsa_aws_call_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("""irsa_aws_call_duration_seconds_bucket{aws_operation="GetCallerIdentity",aws_service="sts",le="+Inf"} """, text, StringComparison.Ordinal);
    }
}
