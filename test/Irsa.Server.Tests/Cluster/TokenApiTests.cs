using System.Net;
using System.Text.Json.Nodes;
using Irsa.Cluster.Tokens;
using Irsa.Server.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Irsa.Server.Tests.Cluster;

/// <summary>TokenRequest and TokenReview through the cluster's Kubernetes API.</summary>
public sealed class TokenApiTests
{
    [Fact]
    public async Task Default_token_lasts_an_hour_and_has_the_kube_apiserver_payload_shape()
    {
        await using var kube = await KubeCluster.StartAsync();
        var account = await kube.CreateServiceAccountAsync("default", "app");
        var pod = await kube.CreatePodAsync("default", "p", "app", nodeName: "node-1");
        var podUid = pod["metadata"]!["uid"]!.GetValue<string>();

        var response = await kube.RequestTokenAsync("default", "app",
            $"{{\"audiences\":[\"sts.amazonaws.com\"],\"boundObjectRef\":{{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"p\",\"uid\":\"{podUid}\"}}}}");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal(3600, response.Json["spec"]!["expirationSeconds"]!.GetValue<long>());
        var token = response.Json["status"]!["token"]!.GetValue<string>();
        var payload = KubeCluster.Payload(token);
        var claims = JsonNode.Parse(payload)!.AsObject();
        Assert.Equal(["aud", "exp", "iat", "iss", "jti", "kubernetes.io", "nbf", "sub"], claims.Select(p => p.Key));
        Assert.Equal(["namespace", "node", "pod", "serviceaccount"], claims["kubernetes.io"]!.AsObject().Select(p => p.Key));
        Assert.StartsWith("{\"aud\":[\"sts.amazonaws.com\"],", payload, StringComparison.Ordinal);
        Assert.Equal(3600, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());
        Assert.Equal(kube.Issuer, claims["iss"]!.GetValue<string>());
        Assert.Equal("system:serviceaccount:default:app", claims["sub"]!.GetValue<string>());
        Assert.Equal(podUid, claims["kubernetes.io"]!["pod"]!["uid"]!.GetValue<string>());
        Assert.Equal("{\"name\":\"node-1\"}", claims["kubernetes.io"]!["node"]!.ToJsonString());
        Assert.Equal(account["metadata"]!["uid"]!.GetValue<string>(), claims["kubernetes.io"]!["serviceaccount"]!["uid"]!.GetValue<string>());
        Assert.True((await DiscoveryTests.ValidateThroughDiscoveryAsync(kube.Issuer, token, "sts.amazonaws.com")).IsValid);
    }

    [Fact]
    public async Task Too_short_expirations_are_invalid_and_minimum_is_accepted()
    {
        await using var kube = await KubeCluster.StartAsync();

        var tooShort = await kube.RequestTokenAsync("default", "default", "{\"expirationSeconds\":599}");
        var minimum = await kube.RequestTokenAsync("default", "default", "{\"expirationSeconds\":600}");

        Assert.Equal(422, tooShort.Code);
        Assert.Equal("TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes",
            tooShort.Json["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, minimum.Status);
        Assert.Equal(600, minimum.Json["spec"]!["expirationSeconds"]!.GetValue<long>());
    }

    [Fact]
    public async Task Requests_above_the_max_expiration_are_clamped_with_a_warning()
    {
        await using var kube = await KubeCluster.StartAsync(o => new IrsaServerOptions
        {
            DataDirectory = o.DataDirectory,
            ListenUrls = o.ListenUrls,
            MaxTokenExpiration = TimeSpan.FromHours(2),
        });

        var response = await kube.RequestTokenAsync("default", "default", "{\"expirationSeconds\":86400}");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal(7200, response.Json["spec"]!["expirationSeconds"]!.GetValue<long>());
        Assert.Equal(["299 - \"requested expiration of 86400 seconds shortened to 7200 seconds\""], response.Warnings);
    }

    [Fact]
    public async Task Bound_pod_must_exist_run_as_the_account_and_match_the_uid()
    {
        await using var kube = await KubeCluster.StartAsync();
        await kube.CreateServiceAccountAsync("default", "app");
        await kube.CreatePodAsync("default", "other", "default");
        await kube.CreatePodAsync("default", "p", "app");

        var missing = await kube.RequestTokenAsync("default", "app", "{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"ghost\"}}");
        var otherAccount = await kube.RequestTokenAsync("default", "app", "{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"other\"}}");
        var wrongUid = await kube.RequestTokenAsync("default", "app", "{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"p\",\"uid\":\"00000000-0000-0000-0000-000000000000\"}}");
        var missingAccount = await kube.RequestTokenAsync("default", "nobody");

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("pods \"ghost\" not found", missing.Json["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, otherAccount.Status);
        Assert.Equal("cannot bind token for serviceaccount \"app\" to pod running with different serviceaccount name.", otherAccount.Json["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, wrongUid.Status);
        Assert.StartsWith("Operation cannot be fulfilled on Pod \"p\": the UID in the bound object reference (00000000-0000-0000-0000-000000000000) does not match the UID in record.",
            wrongUid.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missingAccount.Status);
        Assert.Equal("serviceaccounts \"nobody\" not found", missingAccount.Json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Extension_to_a_year_applies_only_to_api_audience_tokens()
    {
        await using var kube = await KubeCluster.StartAsync();
        await kube.CreatePodAsync("default", "p");
        const string Bound = "\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"p\"}";

        var api = JsonNode.Parse(KubeCluster.Payload(await kube.TokenAsync("default", "default", $"{{\"expirationSeconds\":3607,{Bound}}}")))!;
        var sts = JsonNode.Parse(KubeCluster.Payload(await kube.TokenAsync("default", "default", $"{{\"expirationSeconds\":3607,\"audiences\":[\"sts.amazonaws.com\"],{Bound}}}")))!;

        Assert.Equal(31536000, api["exp"]!.GetValue<long>() - api["iat"]!.GetValue<long>());
        Assert.Equal(3607, api["kubernetes.io"]!["warnafter"]!.GetValue<long>() - api["iat"]!.GetValue<long>());
        Assert.Equal(kube.Issuer, api["aud"]![0]!.GetValue<string>());
        Assert.Equal(3607, sts["exp"]!.GetValue<long>() - sts["iat"]!.GetValue<long>());
        Assert.Null(sts["kubernetes.io"]!["warnafter"]);
    }

    [Fact]
    public async Task TokenReview_accepts_live_tokens_and_rejects_deleted_or_recreated_pods()
    {
        await using var kube = await KubeCluster.StartAsync();
        await kube.CreatePodAsync("default", "p", nodeName: "node-1");
        var token = await kube.TokenAsync("default", "default", "{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"p\"}}");

        var valid = await kube.ReviewAsync(token);
        Assert.True(valid["authenticated"]!.GetValue<bool>());
        Assert.Equal("system:serviceaccount:default:default", valid["user"]!["username"]!.GetValue<string>());
        Assert.Equal("p", valid["user"]!["extra"]!["authentication.kubernetes.io/pod-name"]![0]!.GetValue<string>());
        Assert.Equal("node-1", valid["user"]!["extra"]!["authentication.kubernetes.io/node-name"]![0]!.GetValue<string>());
        Assert.Equal([kube.Issuer], valid["audiences"]!.AsArray().Select(a => a!.GetValue<string>()));

        await kube.DeleteAsync("/api/v1/namespaces/default/pods/p");
        var deleted = await kube.ReviewAsync(token);
        Assert.Null(deleted["authenticated"]);
        Assert.Equal("service account token has been invalidated", deleted["error"]!.GetValue<string>());

        var recreated = await kube.CreatePodAsync("default", "p");
        var changed = await kube.ReviewAsync(token);
        Assert.StartsWith($"pod UID ({recreated["metadata"]!["uid"]!.GetValue<string>()}) does not match service account pod ref claim (",
            changed["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issuing_tokens_does_not_rewrite_the_cluster_document_each_time()
    {
        await using var kube = await KubeCluster.StartAsync();
        var store = kube.Server.Server.Services.GetRequiredService<Irsa.Storage.IDocumentStore>();
        var key = $"{kube.Server.AccountId}/demo";
        var before = (await store.GetAsync(ClusterService.Collection, key))!.Version;

        for (var i = 0; i < 3; i++)
        {
            await kube.TokenAsync("default", "default");
        }

        // The admin token (24 h) already recorded a later expiry for the signing key: nothing to persist.
        Assert.Equal(before, (await store.GetAsync(ClusterService.Collection, key))!.Version);
        Assert.DoesNotContain("PRIVATE", (await store.GetAsync(ClusterService.Collection, key))!.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenReview_rejects_expired_tokens_and_foreign_audiences()
    {
        await using var kube = await KubeCluster.StartAsync();
        var clusters = kube.Server.Server.Services.GetRequiredService<ClusterService>();
        var cluster = (await clusters.FindByIdAsync(kube.Id, CancellationToken.None))!;
        var adminUid = JsonNode.Parse(KubeCluster.Payload(kube.AdminToken))!["kubernetes.io"]!["serviceaccount"]!["uid"]!.GetValue<string>();
        var expired = clusters.TokenIssuer.Issue(clusters.SigningKey(cluster), new ServiceAccountTokenClaims
        {
            Issuer = kube.Issuer,
            Namespace = "kube-system",
            ServiceAccount = new ObjectRef("irsa-admin", adminUid),
            Audiences = [kube.Issuer],
            ExpirationSeconds = 600,
        }, TimeProvider.System.GetUtcNow().AddHours(-2)).Token;
        var sts = await kube.TokenAsync("default", "default", "{\"audiences\":[\"sts.amazonaws.com\"]}");

        var expiredReview = await kube.ReviewAsync(expired);
        var foreign = await kube.ReviewAsync(sts);
        var asBearer = await kube.GetAsync("/api/v1/namespaces", expired);

        Assert.Equal("service account token has expired", expiredReview["error"]!.GetValue<string>());
        Assert.Equal($"token audiences [\"sts.amazonaws.com\"] is invalid for the target audiences [\"{kube.Issuer}\"]", foreign["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, asBearer.Status);
    }
}
