using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Irsa.Server.Tests.Cluster;

/// <summary>Every request to a cluster's Kubernetes API leaves one audit.k8s.io/v1 Event line in the cluster's audit log.</summary>
public sealed partial class KubernetesAuditTests
{
    private const string AdminUsername = "system:serviceaccount:kube-system:irsa-admin";

    [Fact]
    public async Task TokenRequest_records_the_admin_user_the_object_and_the_issued_credential_but_not_the_token()
    {
        await using var kube = await KubeCluster.StartAsync();
        await kube.CreateServiceAccountAsync("default", "app");
        var pod = await kube.CreatePodAsync("default", "p", "app", nodeName: "node-1");
        var podUid = pod["metadata"]!["uid"]!.GetValue<string>();

        var response = await kube.RequestTokenAsync("default", "app",
            $"{{\"audiences\":[\"sts.amazonaws.com\"],\"boundObjectRef\":{{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"p\",\"uid\":\"{podUid}\"}}}}");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var token = response.Json["status"]!["token"]!.GetValue<string>();
        var line = Lines(kube).Single(l => l.Contains("\"requestURI\":\"/api/v1/namespaces/default/serviceaccounts/app/token\"", StringComparison.Ordinal));
        var e = (JsonObject)JsonNode.Parse(line)!;
        Assert.Equal(
            ["kind", "apiVersion", "level", "auditID", "stage", "requestURI", "verb", "user", "sourceIPs", "objectRef", "responseStatus",
                "requestReceivedTimestamp", "stageTimestamp", "annotations"],
            e.Select(p => p.Key));
        Assert.Equal("Event", e["kind"]!.GetValue<string>());
        Assert.Equal("audit.k8s.io/v1", e["apiVersion"]!.GetValue<string>());
        Assert.Equal("Metadata", e["level"]!.GetValue<string>());
        Assert.True(Guid.TryParse(e["auditID"]!.GetValue<string>(), out _));
        Assert.Equal("ResponseComplete", e["stage"]!.GetValue<string>());
        Assert.Equal("create", e["verb"]!.GetValue<string>());
        AssertAdmin(kube, e["user"]!.AsObject());
        Assert.Equal("[\"127.0.0.1\"]", e["sourceIPs"]!.ToJsonString());
        Assert.Contains("\"objectRef\":{\"resource\":\"serviceaccounts\",\"namespace\":\"default\",\"name\":\"app\",\"apiVersion\":\"v1\",\"subresource\":\"token\"}",
            line, StringComparison.Ordinal);
        Assert.Contains("\"responseStatus\":{\"metadata\":{},\"code\":201}", line, StringComparison.Ordinal);
        AssertMicroTime(e["requestReceivedTimestamp"]!.GetValue<string>());
        AssertMicroTime(e["stageTimestamp"]!.GetValue<string>());
        var annotations = e["annotations"]!.AsObject();
        Assert.Equal(["authentication.kubernetes.io/issued-credential-id", "authorization.k8s.io/decision", "authorization.k8s.io/reason"],
            annotations.Select(p => p.Key));
        Assert.Equal("JTI=" + Claim(token, "jti"), annotations["authentication.kubernetes.io/issued-credential-id"]!.GetValue<string>());
        Assert.Equal("allow", annotations["authorization.k8s.io/decision"]!.GetValue<string>());
        Assert.NotEmpty(annotations["authorization.k8s.io/reason"]!.GetValue<string>());
        Assert.DoesNotContain(token, File.ReadAllText(LogPath(kube)), StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[2], File.ReadAllText(LogPath(kube)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_made_with_a_pod_bound_token_carries_the_pod_node_and_credential_id_in_user_extra()
    {
        await using var kube = await KubeCluster.StartAsync();
        await kube.CreateServiceAccountAsync("default", "app");
        var pod = await kube.CreatePodAsync("default", "p", "app", nodeName: "node-1");
        var podUid = pod["metadata"]!["uid"]!.GetValue<string>();
        var token = await kube.TokenAsync("default", "app",
            $"{{\"audiences\":[\"{kube.Issuer}\"],\"boundObjectRef\":{{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"p\",\"uid\":\"{podUid}\"}}}}");

        var response = await kube.GetAsync("/api", token);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var e = Events(kube).Last();
        Assert.Equal("/api", e["requestURI"]!.GetValue<string>());
        Assert.Equal("get", e["verb"]!.GetValue<string>());
        Assert.Null(e["objectRef"]);
        var user = e["user"]!.AsObject();
        Assert.Equal("system:serviceaccount:default:app", user["username"]!.GetValue<string>());
        Assert.Equal("[\"system:serviceaccounts\",\"system:serviceaccounts:default\",\"system:authenticated\"]", user["groups"]!.ToJsonString());
        Assert.Equal(
            $"{{\"authentication.kubernetes.io/credential-id\":[\"JTI={Claim(token, "jti")}\"],\"authentication.kubernetes.io/node-name\":[\"node-1\"]," +
            $"\"authentication.kubernetes.io/pod-name\":[\"p\"],\"authentication.kubernetes.io/pod-uid\":[\"{podUid}\"]}}",
            user["extra"]!.ToJsonString());
        Assert.Equal("allow", e["annotations"]!["authorization.k8s.io/decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pod_create_names_the_created_object()
    {
        await using var kube = await KubeCluster.StartAsync();

        await kube.CreatePodAsync("default", "web");

        var line = Lines(kube).Last();
        var e = (JsonObject)JsonNode.Parse(line)!;
        Assert.Equal("/api/v1/namespaces/default/pods", e["requestURI"]!.GetValue<string>());
        Assert.Equal("create", e["verb"]!.GetValue<string>());
        AssertAdmin(kube, e["user"]!.AsObject());
        Assert.Contains("\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"name\":\"web\",\"apiVersion\":\"v1\"}", line, StringComparison.Ordinal);
        Assert.Contains("\"responseStatus\":{\"metadata\":{},\"code\":201}", line, StringComparison.Ordinal);
        Assert.Null(e["requestObject"]);
        Assert.Null(e["responseObject"]);
    }

    [Fact]
    public async Task Service_account_update_records_the_object_and_its_precondition_version()
    {
        await using var kube = await KubeCluster.StartAsync();
        var account = await kube.CreateServiceAccountAsync("default", "app");
        var version = account["metadata"]!["resourceVersion"]!.GetValue<string>();

        var response = await kube.PutAsync("/api/v1/namespaces/default/serviceaccounts/app?fieldValidation=Strict",
            $"{{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{{\"name\":\"app\",\"resourceVersion\":\"{version}\"," +
            "\"annotations\":{\"eks.amazonaws.com/role-arn\":\"arn:aws:iam::111122223333:role/app\"}}}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var line = Lines(kube).Last();
        var e = (JsonObject)JsonNode.Parse(line)!;
        Assert.Equal("/api/v1/namespaces/default/serviceaccounts/app?fieldValidation=Strict", e["requestURI"]!.GetValue<string>());
        Assert.Equal("update", e["verb"]!.GetValue<string>());
        Assert.Contains(
            $"\"objectRef\":{{\"resource\":\"serviceaccounts\",\"namespace\":\"default\",\"name\":\"app\",\"apiVersion\":\"v1\",\"resourceVersion\":\"{version}\"}}",
            line, StringComparison.Ordinal);
        Assert.Contains("\"responseStatus\":{\"metadata\":{},\"code\":200}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenReview_records_the_authentication_group_and_never_the_reviewed_token()
    {
        await using var kube = await KubeCluster.StartAsync();
        var token = await kube.TokenAsync("default", "default");

        var status = await kube.ReviewAsync(token);

        Assert.True(status["authenticated"]!.GetValue<bool>());
        var line = Lines(kube).Last();
        var e = (JsonObject)JsonNode.Parse(line)!;
        Assert.Equal("/apis/authentication.k8s.io/v1/tokenreviews", e["requestURI"]!.GetValue<string>());
        Assert.Equal("create", e["verb"]!.GetValue<string>());
        AssertAdmin(kube, e["user"]!.AsObject());
        Assert.Contains("\"objectRef\":{\"resource\":\"tokenreviews\",\"apiGroup\":\"authentication.k8s.io\",\"apiVersion\":\"v1\"}", line, StringComparison.Ordinal);
        Assert.Contains("\"responseStatus\":{\"metadata\":{},\"code\":201}", line, StringComparison.Ordinal);
        Assert.DoesNotContain(token, File.ReadAllText(LogPath(kube)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forbidden_request_records_the_forbid_decision_and_the_403_status()
    {
        await using var kube = await KubeCluster.StartAsync();
        var token = await kube.TokenAsync("default", "default");

        var response = await kube.GetAsync("/api/v1/namespaces/default/pods", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        var line = Lines(kube).Last();
        var e = (JsonObject)JsonNode.Parse(line)!;
        Assert.Equal("list", e["verb"]!.GetValue<string>());
        Assert.Equal("system:serviceaccount:default:default", e["user"]!["username"]!.GetValue<string>());
        Assert.Equal("forbid", e["annotations"]!["authorization.k8s.io/decision"]!.GetValue<string>());
        Assert.Contains("\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"apiVersion\":\"v1\"}", line, StringComparison.Ordinal);
        var responseStatus = e["responseStatus"]!.AsObject();
        Assert.Equal(["metadata", "status", "message", "reason", "details", "code"], responseStatus.Select(p => p.Key));
        Assert.Equal("Failure", responseStatus["status"]!.GetValue<string>());
        Assert.Equal("Forbidden", responseStatus["reason"]!.GetValue<string>());
        Assert.Equal(response.Json["message"]!.GetValue<string>(), responseStatus["message"]!.GetValue<string>());
        Assert.Equal(403, responseStatus["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unknown_token_records_401_with_an_empty_user_and_the_client_audit_id_is_echoed()
    {
        await using var kube = await KubeCluster.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, kube.Endpoint + "/api/v1/namespaces");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        request.Headers.Add("Audit-ID", "client-request-42");
        request.Headers.UserAgent.ParseAdd("audit-test/1.0");

        using var response = await kube.Server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["client-request-42"], response.Headers.GetValues("Audit-ID"));
        var line = Lines(kube).Last();
        var e = (JsonObject)JsonNode.Parse(line)!;
        Assert.Equal("client-request-42", e["auditID"]!.GetValue<string>());
        Assert.Equal("list", e["verb"]!.GetValue<string>());
        Assert.Equal("audit-test/1.0", e["userAgent"]!.GetValue<string>());
        Assert.Contains("\"user\":{},", line, StringComparison.Ordinal);
        Assert.Contains("\"responseStatus\":{\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}",
            line, StringComparison.Ordinal);
        Assert.Null(e["annotations"]);
        Assert.DoesNotContain("not-a-token", File.ReadAllText(LogPath(kube)), StringComparison.Ordinal);
    }

    private static string LogPath(KubeCluster kube) => Path.Combine(kube.Server.DataDirectory.FullName, "audit", "kubernetes", kube.Id + ".log");

    private static string[] Lines(KubeCluster kube) => File.ReadAllLines(LogPath(kube));

    private static IEnumerable<JsonObject> Events(KubeCluster kube) => Lines(kube).Select(l => (JsonObject)JsonNode.Parse(l)!);

    private static string Claim(string token, string name) => JsonNode.Parse(KubeCluster.Payload(token))![name]!.GetValue<string>();

    private static void AssertAdmin(KubeCluster kube, JsonObject user)
    {
        Assert.Equal(["username", "uid", "groups", "extra"], user.Select(p => p.Key));
        Assert.Equal(AdminUsername, user["username"]!.GetValue<string>());
        Assert.Equal(AdminUsername, Claim(kube.AdminToken, "sub"));
        Assert.Equal(JsonNode.Parse(KubeCluster.Payload(kube.AdminToken))!["kubernetes.io"]!["serviceaccount"]!["uid"]!.GetValue<string>(),
            user["uid"]!.GetValue<string>());
        Assert.Equal("[\"system:serviceaccounts\",\"system:serviceaccounts:kube-system\",\"system:authenticated\"]", user["groups"]!.ToJsonString());
        Assert.Equal($"{{\"authentication.kubernetes.io/credential-id\":[\"JTI={Claim(kube.AdminToken, "jti")}\"]}}", user["extra"]!.ToJsonString());
    }

    private static void AssertMicroTime(string value) => Assert.Matches(MicroTimePattern(), value);

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")]
    private static partial Regex MicroTimePattern();
}
