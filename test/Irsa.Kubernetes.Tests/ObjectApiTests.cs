using System.Text;
using System.Text.Json.Nodes;

namespace Irsa.Kubernetes.Tests;

/// <summary>The generic object handler through the pipeline: revisions, conflicts, limits, pagination, dry run, watch.</summary>
public sealed class ObjectApiTests
{
    private const string Sa = "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"NAME\"}}";

    [Fact]
    public async Task Resource_versions_are_one_cluster_wide_increasing_revision()
    {
        await using var cluster = await TestCluster.StartAsync();

        var a = await cluster.SendAsync("POST", "/api/v1/namespaces/default/serviceaccounts", Sa.Replace("NAME", "a", StringComparison.Ordinal));
        var b = await cluster.SendAsync("POST", "/api/v1/namespaces/kube-system/serviceaccounts", Sa.Replace("NAME", "b", StringComparison.Ordinal));
        var list = await cluster.SendAsync("GET", "/api/v1/serviceaccounts");

        var rvA = long.Parse(a.Json["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var rvB = long.Parse(b.Json["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(rvA + 1, rvB);
        Assert.Equal(rvB.ToString(System.Globalization.CultureInfo.InvariantCulture), list.Json["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stale_resource_version_is_a_conflict_and_nothing_changes()
    {
        await using var cluster = await TestCluster.StartAsync();
        var created = await cluster.SendAsync("POST", "/api/v1/namespaces/default/serviceaccounts", Sa.Replace("NAME", "app", StringComparison.Ordinal));
        var rv = created.Json["metadata"]!["resourceVersion"]!.GetValue<string>();
        await cluster.SendAsync("PATCH", "/api/v1/namespaces/default/serviceaccounts/app", "{\"metadata\":{\"labels\":{\"a\":\"1\"}}}",
            headers: new() { ["Content-Type"] = "application/merge-patch+json" });

        var stale = await cluster.SendAsync("PUT", "/api/v1/namespaces/default/serviceaccounts/app",
            $"{{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{{\"name\":\"app\",\"resourceVersion\":\"{rv}\",\"labels\":{{\"b\":\"2\"}}}}}}");
        var current = await cluster.SendAsync("GET", "/api/v1/namespaces/default/serviceaccounts/app");

        Assert.Equal(409, stale.StatusCode);
        Assert.Equal("Operation cannot be fulfilled on serviceaccounts \"app\": the object has been modified; please apply your changes to the latest version and try again",
            stale.Json["message"]!.GetValue<string>());
        Assert.Equal("""{"a":"1"}""", current.Json["metadata"]!["labels"]!.ToJsonString());
    }

    [Fact]
    public async Task Bodies_over_three_mebibytes_are_refused_before_anything_is_decoded()
    {
        await using var cluster = await TestCluster.StartAsync();
        var huge = "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"big\",\"annotations\":{\"a\":\"" + new string('x', 3 * 1024 * 1024) + "\"}}}";

        var response = await cluster.SendAsync("POST", "/api/v1/namespaces/default/serviceaccounts", huge);

        Assert.Equal(413, response.StatusCode);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Request entity too large: limit is 3145728","reason":"RequestEntityTooLarge","code":413}""",
            response.Body);
        Assert.Equal(404, (await cluster.SendAsync("GET", "/api/v1/namespaces/default/serviceaccounts/big")).StatusCode);
    }

    [Fact]
    public async Task Lists_page_with_limit_and_continue()
    {
        await using var cluster = await TestCluster.StartAsync();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await cluster.SendAsync("POST", "/api/v1/namespaces/default/serviceaccounts", Sa.Replace("NAME", name, StringComparison.Ordinal));
        }

        var first = await cluster.SendAsync("GET", "/api/v1/namespaces/default/serviceaccounts?limit=2");
        var token = first.Json["metadata"]!["continue"]!.GetValue<string>();
        var second = await cluster.SendAsync("GET", "/api/v1/namespaces/default/serviceaccounts?limit=2&continue=" + Uri.EscapeDataString(token));
        var bad = await cluster.SendAsync("GET", "/api/v1/namespaces/default/serviceaccounts?limit=2&continue=nope");

        Assert.Equal(["a", "b"], Names(first.Json));
        Assert.Equal(2, first.Json["metadata"]!["remainingItemCount"]!.GetValue<long>());
        Assert.Equal(["c", "default"], Names(second.Json));
        Assert.Null(second.Json["metadata"]!["continue"]);
        Assert.Equal(400, bad.StatusCode);
    }

    [Fact]
    public async Task Dry_run_answers_without_storing()
    {
        await using var cluster = await TestCluster.StartAsync();

        var created = await cluster.SendAsync("POST", "/api/v1/namespaces/default/serviceaccounts?dryRun=All", Sa.Replace("NAME", "dry", StringComparison.Ordinal));

        Assert.Equal(201, created.StatusCode);
        Assert.Equal("dry", created.Json["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(404, (await cluster.SendAsync("GET", "/api/v1/namespaces/default/serviceaccounts/dry")).StatusCode);
    }

    [Fact]
    public async Task Watch_streams_changes_after_the_resource_version_and_ends_at_the_timeout()
    {
        await using var cluster = await TestCluster.StartAsync();
        var list = await cluster.SendAsync("GET", "/api/v1/namespaces/default/serviceaccounts");
        var rv = list.Json["metadata"]!["resourceVersion"]!.GetValue<string>();
        await cluster.SendAsync("POST", "/api/v1/namespaces/default/serviceaccounts", Sa.Replace("NAME", "w", StringComparison.Ordinal));
        await cluster.SendAsync("DELETE", "/api/v1/namespaces/default/serviceaccounts/w");
        await cluster.SendAsync("POST", "/api/v1/namespaces/kube-system/serviceaccounts", Sa.Replace("NAME", "elsewhere", StringComparison.Ordinal));

        var watch = await cluster.SendAsync("GET", $"/api/v1/namespaces/default/serviceaccounts?watch=1&resourceVersion={rv}&timeoutSeconds=1");

        var events = watch.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["ADDED", "DELETED"], events.Select(e => e["type"]!.GetValue<string>()));
        Assert.All(events, e => Assert.Equal("w", e["object"]!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal("watch", cluster.Audit.Events[^1].Event.Verb);
    }

    [Fact]
    public async Task A_watch_from_a_revision_older_than_the_change_log_gets_410_expired()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.Store.TransactAsync(async session =>
        {
            for (var i = 0; i < KubernetesObjectStore.RetainedChanges + 5; i++)
            {
                await session.PutAsync(KubernetesObjectStore.Revisions, TestCluster.ClusterId, "{}");
            }

            return true;
        });

        var watch = await cluster.SendAsync("GET", "/api/v1/namespaces/default/pods?watch=true&resourceVersion=2");

        Assert.Equal(200, watch.StatusCode);
        var error = JsonNode.Parse(watch.Body.Trim())!;
        Assert.Equal("ERROR", error["type"]!.GetValue<string>());
        Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", error["object"]!["reason"]!.GetValue<string>());
        Assert.StartsWith("too old resource version: 2 (", error["object"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rbac_decides_for_service_accounts_and_self_reviews_agree()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.SendAsync("POST", "/api/v1/namespaces/default/serviceaccounts", Sa.Replace("NAME", "dev", StringComparison.Ordinal));
        await cluster.SendAsync("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"pod-reader"},"rules":[{"apiGroups":[""],"resources":["pods","pods/log"],"verbs":["get","list"]}]}""");
        await cluster.SendAsync("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"dev-reads"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pod-reader"},"subjects":[{"kind":"ServiceAccount","name":"dev"}]}""");
        var token = (await cluster.SendAsync("POST", "/api/v1/namespaces/default/serviceaccounts/dev/token",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}")).Json["status"]!["token"]!.GetValue<string>();

        var list = await cluster.SendAsync("GET", "/api/v1/namespaces/default/pods", token: token);
        var other = await cluster.SendAsync("GET", "/api/v1/namespaces/kube-system/pods", token: token);
        var discovery = await cluster.SendAsync("GET", "/apis", token: token);
        var review = await cluster.SendAsync("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"default","verb":"get","resource":"pods","subresource":"log"}}}""", token: token);

        Assert.Equal(200, list.StatusCode);
        Assert.Equal("RBAC: allowed by RoleBinding \"dev-reads/default\" of Role \"pod-reader\" to ServiceAccount \"dev/default\"",
            cluster.Audit.Events[^4].Event.Annotations!["authorization.k8s.io/reason"]);
        Assert.Equal(403, other.StatusCode);
        Assert.Equal("pods is forbidden: User \"system:serviceaccount:default:dev\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"",
            other.Json["message"]!.GetValue<string>());
        Assert.Equal(200, discovery.StatusCode);
        Assert.Equal(201, review.StatusCode);
        Assert.True(review.Json["status"]!["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Self_reviews_with_a_field_of_the_wrong_type_get_a_400_decode_error_not_a_server_error()
    {
        await using var cluster = await TestCluster.StartAsync();

        var access = await cluster.SendAsync("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":5,"resource":"pods"}}}""");
        var nonResource = await cluster.SendAsync("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"nonResourceAttributes":{"verb":"get","path":["/healthz"]}}}""");
        var rules = await cluster.SendAsync("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":{"name":"default"}}}""");
        var kind = await cluster.SendAsync("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", """{"kind":true}""");

        Assert.Equal((400, "BadRequest"), (access.StatusCode, access.Json["reason"]!.GetValue<string>()));
        Assert.Equal("SelfSubjectAccessReview in version \"v1\" cannot be handled as a SelfSubjectAccessReview: json: cannot unmarshal number into Go struct field ResourceAttributes.spec.resourceAttributes.verb of type string",
            access.Json["message"]!.GetValue<string>());
        Assert.Equal(400, nonResource.StatusCode);
        Assert.Contains("cannot unmarshal array into Go struct field NonResourceAttributes.spec.nonResourceAttributes.path of type string",
            nonResource.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(400, rules.StatusCode);
        Assert.Contains("cannot unmarshal object into Go struct field", rules.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(400, kind.StatusCode);
        Assert.Contains("cannot unmarshal bool", kind.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bindings_are_validated_as_kube_apiserver_validates_them_and_nothing_invalid_is_stored()
    {
        await using var cluster = await TestCluster.StartAsync();
        const string Bindings = "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings";
        const string ClusterBindings = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings";

        var badKind = await cluster.SendAsync("POST", Bindings,
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b1"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"x"},"subjects":[{"kind":"ServiceAccount","name":"dev"}]}""");
        var many = await cluster.SendAsync("POST", Bindings,
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b2"},"roleRef":{"kind":"Role","name":""},"subjects":[{"kind":"Robot","name":"r"},{"kind":"ServiceAccount","name":"Dev","apiGroup":"x"}]}""");
        var clusterRole = await cluster.SendAsync("POST", ClusterBindings,
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b3"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"a/b"},"subjects":[{"kind":"ServiceAccount","name":"dev"}]}""");
        var defaulted = await cluster.SendAsync("POST", ClusterBindings,
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b4"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"alice"}]}""");
        var listed = await cluster.SendAsync("GET", Bindings);

        Assert.Equal(422, badKind.StatusCode);
        Assert.Equal("RoleBinding.rbac.authorization.k8s.io \"b1\" is invalid: roleRef.kind: Unsupported value: \"Group\": supported values: \"Role\", \"ClusterRole\"",
            badKind.Json["message"]!.GetValue<string>());
        Assert.Equal("FieldValueNotSupported", badKind.Json["details"]!["causes"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(422, many.StatusCode);
        Assert.Equal(
            "RoleBinding.rbac.authorization.k8s.io \"b2\" is invalid: [roleRef.apiGroup: Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\", " +
            "roleRef.name: Required value, subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\", " +
            "subjects[1].name: Invalid value: \"Dev\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), " +
            "subjects[1].apiGroup: Unsupported value: \"x\": supported values: \"\"]",
            many.Json["message"]!.GetValue<string>());
        Assert.Equal(422, clusterRole.StatusCode);
        Assert.Equal(
            "ClusterRoleBinding.rbac.authorization.k8s.io \"b3\" is invalid: [roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\", " +
            "roleRef.name: Invalid value: \"a/b\": may not contain '/', subjects[0].namespace: Required value]",
            clusterRole.Json["message"]!.GetValue<string>());
        Assert.Equal(201, defaulted.StatusCode);
        Assert.Equal("rbac.authorization.k8s.io", defaulted.Json["subjects"]![0]!["apiGroup"]!.GetValue<string>());
        Assert.Empty(listed.Json["items"]!.AsArray());
    }

    [Fact]
    public async Task Protobuf_token_requests_decode_like_json()
    {
        await using var cluster = await TestCluster.StartAsync();
        // k8s\0 + Unknown{typeMeta{apiVersion, kind}, raw: TokenRequest{spec{audiences: ["aud"], expirationSeconds: 3600}}}
        var spec = Concat(Field(1, Encoding.UTF8.GetBytes("aud")), [0x20, 0x90, 0x1C]);
        var raw = Field(2, spec);
        var typeMeta = Concat(Field(1, Encoding.UTF8.GetBytes("authentication.k8s.io/v1")), Field(2, Encoding.UTF8.GetBytes("TokenRequest")));
        var body = Concat("k8s\0"u8.ToArray(), Field(1, typeMeta), Field(2, raw));

        var response = await cluster.SendBytesAsync("POST", "/api/v1/namespaces/default/serviceaccounts/default/token", body, "application/vnd.kubernetes.protobuf");

        Assert.Equal(201, response.StatusCode);
        Assert.Equal(3600, response.Json["spec"]!["expirationSeconds"]!.GetValue<long>());
        Assert.Equal("aud", response.Json["spec"]!["audiences"]![0]!.GetValue<string>());
    }

    private static byte[] Field(int number, byte[] value) => Concat([(byte)((number << 3) | 2), (byte)value.Length], value);

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static List<string> Names(JsonObject list) => [.. list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>())];
}
