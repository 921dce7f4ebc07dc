using System.Net;

namespace Irsa.Server.Tests.Cluster;

/// <summary>Service accounts and namespaces through the cluster's Kubernetes API: CRUD, uids, resourceVersions, patches.</summary>
public sealed class ServiceAccountApiTests
{
    [Fact]
    public async Task Create_get_list_update_patch_delete_round_trip()
    {
        await using var kube = await KubeCluster.StartAsync();

        var created = await kube.CreateServiceAccountAsync("default", "app");
        var uid = created["metadata"]!["uid"]!.GetValue<string>();
        var version = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        Assert.Equal("ServiceAccount", created["kind"]!.GetValue<string>());
        Assert.Equal("default", created["metadata"]!["namespace"]!.GetValue<string>());
        Assert.True(Guid.TryParse(uid, out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", created["metadata"]!["creationTimestamp"]!.GetValue<string>());

        var fetched = await kube.GetAsync("/api/v1/namespaces/default/serviceaccounts/app");
        Assert.Equal(HttpStatusCode.OK, fetched.Status);
        Assert.Equal(uid, fetched.Json["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal(version, fetched.Json["metadata"]!["resourceVersion"]!.GetValue<string>());

        var list = await kube.GetAsync("/api/v1/namespaces/default/serviceaccounts");
        Assert.Equal("ServiceAccountList", list.Json["kind"]!.GetValue<string>());
        Assert.NotNull(list.Json["metadata"]!["resourceVersion"]);
        Assert.Equal(["app", "default"], list.Json["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Order());

        var updated = await kube.PutAsync("/api/v1/namespaces/default/serviceaccounts/app",
            $"{{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{{\"name\":\"app\",\"resourceVersion\":\"{version}\",\"labels\":{{\"team\":\"a\"}}}}}}");
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal("a", updated.Json["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal(uid, updated.Json["metadata"]!["uid"]!.GetValue<string>());
        var version2 = updated.Json["metadata"]!["resourceVersion"]!.GetValue<string>();
        Assert.True(long.Parse(version2) > long.Parse(version));

        var merge = await kube.PatchAsync("/api/v1/namespaces/default/serviceaccounts/app",
            "{\"metadata\":{\"annotations\":{\"eks.amazonaws.com/role-arn\":\"arn:aws:iam::111122223333:role/r\"},\"labels\":{\"team\":null}}}");
        Assert.Equal(HttpStatusCode.OK, merge.Status);
        Assert.Equal("arn:aws:iam::111122223333:role/r", merge.Json["metadata"]!["annotations"]!["eks.amazonaws.com/role-arn"]!.GetValue<string>());
        Assert.Null(merge.Json["metadata"]!["labels"]?["team"]);

        var strategic = await kube.PatchAsync("/api/v1/namespaces/default/serviceaccounts/app",
            "{\"metadata\":{\"labels\":{\"tier\":\"web\"}}}", "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, strategic.Status);
        Assert.Equal("web", strategic.Json["metadata"]!["labels"]!["tier"]!.GetValue<string>());
        Assert.NotNull(strategic.Json["metadata"]!["annotations"]!["eks.amazonaws.com/role-arn"]);
        Assert.Equal(uid, strategic.Json["metadata"]!["uid"]!.GetValue<string>());

        var deleted = await kube.DeleteAsync("/api/v1/namespaces/default/serviceaccounts/app");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        var gone = await kube.GetAsync("/api/v1/namespaces/default/serviceaccounts/app");
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"serviceaccounts \\\"app\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"app\",\"kind\":\"serviceaccounts\"},\"code\":404}",
            gone.Body);
    }

    [Fact]
    public async Task Stale_resource_version_on_update_is_a_conflict_and_changes_nothing()
    {
        await using var kube = await KubeCluster.StartAsync();
        var created = await kube.CreateServiceAccountAsync("default", "app");
        var stale = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        await kube.PatchAsync("/api/v1/namespaces/default/serviceaccounts/app", "{\"metadata\":{\"labels\":{\"a\":\"1\"}}}");

        var conflict = await kube.PutAsync("/api/v1/namespaces/default/serviceaccounts/app",
            $"{{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{{\"name\":\"app\",\"resourceVersion\":\"{stale}\",\"labels\":{{\"b\":\"2\"}}}}}}");

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal("Conflict", conflict.Json["reason"]!.GetValue<string>());
        Assert.Equal("Operation cannot be fulfilled on serviceaccounts \"app\": the object has been modified; please apply your changes to the latest version and try again",
            conflict.Json["message"]!.GetValue<string>());
        var current = await kube.GetAsync("/api/v1/namespaces/default/serviceaccounts/app");
        Assert.Null(current.Json["metadata"]!["labels"]!["b"]);
    }

    [Fact]
    public async Task Duplicate_and_invalid_names_are_refused()
    {
        await using var kube = await KubeCluster.StartAsync();
        await kube.CreateServiceAccountAsync("default", "app");

        var duplicate = await kube.PostAsync("/api/v1/namespaces/default/serviceaccounts", "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"app\"}}");
        var invalid = await kube.PostAsync("/api/v1/namespaces/default/serviceaccounts", "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"Bad_Name\"}}");

        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal("AlreadyExists", duplicate.Json["reason"]!.GetValue<string>());
        Assert.Equal("serviceaccounts \"app\" already exists", duplicate.Json["message"]!.GetValue<string>());
        Assert.Equal(422, invalid.Code);
        Assert.Equal("Invalid", invalid.Json["reason"]!.GetValue<string>());
        Assert.Equal(
            "ServiceAccount \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            invalid.Json["message"]!.GetValue<string>());
        Assert.Equal("metadata.name", invalid.Json["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        var list = await kube.GetAsync("/api/v1/namespaces/default/serviceaccounts");
        Assert.Equal(2, list.Json["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Namespaces_are_created_listed_and_deleted_with_their_objects()
    {
        await using var kube = await KubeCluster.StartAsync();
        var created = await kube.PostAsync("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team-a\"}}");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("Active", created.Json["status"]!["phase"]!.GetValue<string>());
        await kube.CreateServiceAccountAsync("team-a", "app");
        await kube.CreatePodAsync("team-a", "p", "app");

        var all = await kube.GetAsync("/api/v1/serviceaccounts");
        Assert.Contains(all.Json["items"]!.AsArray(), i => i!["metadata"]!["namespace"]!.GetValue<string>() == "team-a" && i["metadata"]!["name"]!.GetValue<string>() == "app");
        Assert.Contains(all.Json["items"]!.AsArray(), i => i!["metadata"]!["name"]!.GetValue<string>() == "irsa-admin");
        var namespaces = await kube.GetAsync("/api/v1/namespaces");
        Assert.Equal("NamespaceList", namespaces.Json["kind"]!.GetValue<string>());
        Assert.Equal(["default", "kube-system", "team-a"], namespaces.Json["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Order());

        var deleted = await kube.DeleteAsync("/api/v1/namespaces/team-a");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);

        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync("/api/v1/namespaces/team-a")).Status);
        Assert.Empty((await kube.GetAsync("/api/v1/namespaces/team-a/serviceaccounts")).Json["items"]!.AsArray());
        Assert.Empty((await kube.GetAsync("/api/v1/namespaces/team-a/pods")).Json["items"]!.AsArray());
        var protectedNs = await kube.DeleteAsync("/api/v1/namespaces/default");
        Assert.Equal(HttpStatusCode.Forbidden, protectedNs.Status);
        Assert.Equal("namespaces \"default\" is forbidden: this namespace may not be deleted", protectedNs.Json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Objects_in_a_missing_namespace_are_not_found()
    {
        await using var kube = await KubeCluster.StartAsync();

        var response = await kube.PostAsync("/api/v1/namespaces/nope/serviceaccounts", "{\"metadata\":{\"name\":\"app\"}}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("namespaces \"nope\" not found", response.Json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Restart_keeps_service_accounts_and_pods()
    {
        var server = await IrsaTestServer.StartAsync();
        var kube = await KubeCluster.ForAsync(server);
        var account = await kube.CreateServiceAccountAsync("default", "app");
        var pod = await kube.CreatePodAsync("default", "p", "app");
        var data = server.DataDirectory;
        await server.StopAsync();

        await using var restarted = await IrsaTestServer.StartAsync(data);
        var token = await EksCalls.AdminTokenAsync(restarted, "demo");
        using var describe = await restarted.SendSignedAsync(HttpMethod.Get, "/clusters/demo", "eks");
        var endpoint = System.Text.Json.Nodes.JsonNode.Parse(await describe.Content.ReadAsStringAsync())!["cluster"]!["endpoint"]!.GetValue<string>();
        using var saRequest = new HttpRequestMessage(HttpMethod.Get, endpoint + "/api/v1/namespaces/default/serviceaccounts/app");
        saRequest.Headers.Authorization = new("Bearer", token);
        using var podRequest = new HttpRequestMessage(HttpMethod.Get, endpoint + "/api/v1/namespaces/default/pods/p");
        podRequest.Headers.Authorization = new("Bearer", token);

        using var saResponse = await restarted.Http.SendAsync(saRequest);
        using var podResponse = await restarted.Http.SendAsync(podRequest);

        Assert.Equal(HttpStatusCode.OK, saResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, podResponse.StatusCode);
        Assert.Contains(account["metadata"]!["uid"]!.GetValue<string>(), await saResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(pod["metadata"]!["uid"]!.GetValue<string>(), await podResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
