using System.Net;

namespace Irsa.Server.Tests.Cluster;

/// <summary>Bad input and bad credentials: each answer is kube-apiserver's Status, and nothing is stored.</summary>
public sealed class KubernetesErrorTests
{
    private const string Accounts = "/api/v1/namespaces/default/serviceaccounts";

    [Fact]
    public async Task A_service_account_token_of_one_cluster_is_unauthorized_at_another()
    {
        await using var first = await KubeCluster.StartAsync();
        var second = await KubeCluster.ForAsync(first.Server, "second"); // shares the server the first cluster disposes

        var crossed = await second.GetAsync(Accounts, token: first.AdminToken);
        var own = await second.GetAsync(Accounts);

        Assert.Equal(HttpStatusCode.Unauthorized, crossed.Status);
        Assert.Equal(HttpStatusCode.OK, own.Status);
    }

    [Fact]
    public async Task Missing_or_invalid_bearer_tokens_are_unauthorized()
    {
        await using var kube = await KubeCluster.StartAsync();
        const string Expected = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}";

        var none = await kube.GetAsync(Accounts, token: "");
        var garbage = await kube.GetAsync(Accounts, token: "not-a-jwt");
        var tampered = await kube.GetAsync(Accounts, token: kube.AdminToken[..^4] + "AAAA");
        var create = await kube.PostAsync(Accounts, "{\"metadata\":{\"name\":\"sneaky\"}}", token: "");

        foreach (var response in new[] { none, garbage, tampered, create })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
            Assert.Equal(Expected, response.Body);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync(Accounts + "/sneaky")).Status);
    }

    [Fact]
    public async Task Other_service_accounts_are_forbidden_but_may_read_discovery()
    {
        await using var kube = await KubeCluster.StartAsync();
        await kube.CreateServiceAccountAsync("default", "x");
        var token = await kube.TokenAsync("default", "x");

        var list = await kube.GetAsync("/api/v1/namespaces/default/pods", token);
        var get = await kube.GetAsync("/api/v1/namespaces", token);
        var tokenRequest = await kube.RequestTokenAsync("kube-system", "irsa-admin", token: token);
        var discovery = await kube.GetAsync("/api/v1", token);

        Assert.Equal(HttpStatusCode.Forbidden, list.Status);
        Assert.Equal("pods is forbidden: User \"system:serviceaccount:default:x\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"",
            list.Json["message"]!.GetValue<string>());
        Assert.Equal("Forbidden", list.Json["reason"]!.GetValue<string>());
        Assert.Equal("namespaces is forbidden: User \"system:serviceaccount:default:x\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope",
            get.Json["message"]!.GetValue<string>());
        Assert.Equal("serviceaccounts \"irsa-admin\" is forbidden: User \"system:serviceaccount:default:x\" cannot create resource \"serviceaccounts/token\" in API group \"\" in the namespace \"kube-system\"",
            tokenRequest.Json["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, discovery.Status);
    }

    [Fact]
    public async Task Malformed_json_wrong_kind_and_namespace_mismatch_are_bad_requests()
    {
        await using var kube = await KubeCluster.StartAsync();

        var malformed = await kube.PostAsync(Accounts, "{\"metadata\":");
        var wrongKind = await kube.PostAsync(Accounts, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}");
        var wrongVersion = await kube.PostAsync(Accounts, "{\"apiVersion\":\"apps/v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"b\"}}");
        var wrongType = await kube.PostAsync(Accounts, "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":7}}");
        var mismatch = await kube.PostAsync(Accounts, "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"c\",\"namespace\":\"kube-system\"}}");

        foreach (var response in new[] { malformed, wrongKind, wrongVersion, wrongType, mismatch })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.Equal("BadRequest", response.Json["reason"]!.GetValue<string>());
            Assert.Equal("Status", response.Json["kind"]!.GetValue<string>());
        }

        Assert.StartsWith("the object provided is unrecognized (must be of type ServiceAccount): couldn't get version/kind; json parse error: ",
            malformed.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Pod in version \"v1\" cannot be handled as a ServiceAccount: ", wrongKind.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("the API version in the data (apps/v1) does not match the expected API version (v1)", wrongVersion.Json["message"]!.GetValue<string>());
        Assert.StartsWith("ServiceAccount in version \"v1\" cannot be handled as a ServiceAccount: ", wrongType.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("the namespace of the provided object does not match the namespace sent on the request", mismatch.Json["message"]!.GetValue<string>());
        Assert.Equal(3, (await kube.GetAsync("/api/v1/serviceaccounts")).Json["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Unknown_fields_warn_by_default_and_fail_when_strict()
    {
        await using var kube = await KubeCluster.StartAsync();
        const string Pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"NAME\"},\"spec\":{\"foo\":1,\"containers\":[{\"name\":\"app\",\"image\":\"busybox\",\"bar\":true}]}}";

        var strict = await kube.PostAsync("/api/v1/namespaces/default/pods?fieldValidation=Strict", Pod.Replace("NAME", "strict", StringComparison.Ordinal));
        var warn = await kube.PostAsync("/api/v1/namespaces/default/pods", Pod.Replace("NAME", "warn", StringComparison.Ordinal));
        var ignore = await kube.PostAsync("/api/v1/namespaces/default/pods?fieldValidation=Ignore", Pod.Replace("NAME", "ignore", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, strict.Status);
        Assert.Equal("Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.foo\", unknown field \"spec.containers[0].bar\"", strict.Json["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync("/api/v1/namespaces/default/pods/strict")).Status);
        Assert.Equal(HttpStatusCode.Created, warn.Status);
        Assert.Equal(["299 - \"unknown field \\\"spec.foo\\\"\"", "299 - \"unknown field \\\"spec.containers[0].bar\\\"\""], warn.Warnings);
        Assert.Equal(HttpStatusCode.Created, ignore.Status);
        Assert.Empty(ignore.Warnings);
    }

    [Fact]
    public async Task Token_requests_for_missing_pods_or_too_short_lifetimes_store_nothing()
    {
        await using var kube = await KubeCluster.StartAsync();
        var before = (await kube.GetAsync("/api/v1/serviceaccounts")).Body;

        var missingPod = await kube.RequestTokenAsync("default", "default", "{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"ghost\"}}");
        var tooShort = await kube.RequestTokenAsync("default", "default", "{\"expirationSeconds\":10}");
        var unknownKind = await kube.RequestTokenAsync("default", "default", "{\"boundObjectRef\":{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"name\":\"d\"}}");

        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods \\\"ghost\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"ghost\",\"kind\":\"pods\"},\"code\":404}",
            missingPod.Body);
        Assert.Equal(422, tooShort.Code);
        Assert.Equal("TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 10: may not specify a duration less than 10 minutes",
            tooShort.Json["message"]!.GetValue<string>());
        Assert.Equal("cannot bind token to object of type apps/v1, Kind=Deployment", unknownKind.Json["message"]!.GetValue<string>());
        Assert.Equal(before, (await kube.GetAsync("/api/v1/serviceaccounts")).Body);
    }

    [Fact]
    public async Task Pods_need_an_existing_service_account_and_valid_names()
    {
        await using var kube = await KubeCluster.StartAsync();

        var noAccount = await kube.PostAsync("/api/v1/namespaces/default/pods",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"serviceAccountName\":\"x\",\"containers\":[{\"name\":\"a\",\"image\":\"i\"}]}}");
        var badName = await kube.PostAsync("/api/v1/namespaces/default/pods",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"Bad_Name\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"i\"}]}}");
        var noContainers = await kube.PostAsync("/api/v1/namespaces/default/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"empty\"},\"spec\":{}}");

        Assert.Equal(HttpStatusCode.Forbidden, noAccount.Status);
        Assert.Equal("pods \"p\" is forbidden: error looking up service account default/x: serviceaccount \"x\" not found", noAccount.Json["message"]!.GetValue<string>());
        Assert.Equal(422, badName.Code);
        Assert.StartsWith("Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of",
            badName.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Pod \"empty\" is invalid: spec.containers: Required value", noContainers.Json["message"]!.GetValue<string>());
        Assert.Empty((await kube.GetAsync("/api/v1/pods")).Json["items"]!.AsArray());
    }

    [Fact]
    public async Task Unknown_paths_clusters_and_methods()
    {
        await using var kube = await KubeCluster.StartAsync();

        var unknownResource = await kube.GetAsync("/api/v1/namespaces/default/widgets");
        var unknownPath = await kube.GetAsync("/nope");
        var method = await kube.PutAsync("/api/v1/namespaces/default/pods", "{}");
        using var unknownCluster = await kube.Server.Http.GetAsync(kube.Endpoint.Replace(kube.Id, "0123456789ABCDEF0123456789ABCDEF", StringComparison.Ordinal) + "/api/v1/namespaces");
        var patchType = await kube.PatchAsync("/api/v1/namespaces/default/serviceaccounts/default", "<patch/>", "application/xml");

        Assert.Equal(HttpStatusCode.NotFound, unknownResource.Status);
        Assert.Equal("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"the server could not find the requested resource\",\"reason\":\"NotFound\",\"details\":{},\"code\":404}",
            unknownResource.Body);
        Assert.Equal(HttpStatusCode.NotFound, unknownPath.Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.Status);
        Assert.Equal("MethodNotAllowed", method.Json["reason"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknownCluster.StatusCode);
        Assert.Contains("\"reason\":\"NotFound\"", await unknownCluster.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(415, patchType.Code);
    }
}
