using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Irsa.Cluster.Keys;
using Irsa.Cluster.TokenReviews;
using Irsa.Cluster.Tokens;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Cluster.Tests.TokenReviews;

public sealed class TokenReviewerTests
{
    private const string Issuer = "https://issuer.example.com";
    private const string ApiAudience = "https://kubernetes.default.svc";

    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ClusterSigningKey _key = TestKeys.SharedRsa;
    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryClusterObjects _objects = new();
    private readonly ClusterIssuerOptions _options = new() { Issuers = [Issuer], ApiAudiences = [ApiAudience] };

    public TokenReviewerTests()
    {
        _objects.ServiceAccounts["default/app"] = new ClusterObjectInfo("sa-uid");
        _objects.Pods["default/p"] = new ClusterObjectInfo("pod-uid");
        _objects.Nodes["n1"] = new ClusterObjectInfo("node-uid");
    }

    [Fact]
    public async Task ValidPodBoundToken_Authenticates_WithUserInfo()
    {
        var token = Issue();

        var result = await Review(token, ["sts.amazonaws.com", "other"]);

        Assert.True(result.Authenticated, result.Status.Error);
        Assert.Null(result.Status.Error);
        Assert.Equal(["sts.amazonaws.com"], result.Status.Audiences);
        var user = result.Status.User;
        Assert.Equal("system:serviceaccount:default:app", user.Username);
        Assert.Equal("sa-uid", user.Uid);
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"], user.Groups);
        Assert.Equal(
            [
                "authentication.kubernetes.io/credential-id",
                "authentication.kubernetes.io/node-name",
                "authentication.kubernetes.io/node-uid",
                "authentication.kubernetes.io/pod-name",
                "authentication.kubernetes.io/pod-uid",
            ],
            user.Extra.Keys);
        Assert.Equal(["JTI=00000000-0000-4000-8000-000000000001"], user.Extra["authentication.kubernetes.io/credential-id"]);
        Assert.Equal(["pod-uid"], user.Extra["authentication.kubernetes.io/pod-uid"]);
        Assert.Equal(["n1"], user.Extra["authentication.kubernetes.io/node-name"]);
    }

    [Fact]
    public async Task TokenReviewObject_EchoesSpec_AndDefaultsToApiAudiences()
    {
        var token = Issue(audience: ApiAudience);

        var response = await new TokenReviewer(_options, _time, _objects)
            .ReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = token } }, [_key]);

        Assert.Equal("TokenReview", response.Kind);
        Assert.Equal(token, response.Spec.Token);
        Assert.True(response.Status.Authenticated);
        Assert.Equal([ApiAudience], response.Status.Audiences);
    }

    [Fact]
    public async Task ExpiredToken_IsAcceptedWithinLeeway_AndRejectedAfter()
    {
        var token = Issue(seconds: 600);

        _time.Advance(TimeSpan.FromSeconds(660));
        var withinLeeway = await Review(token);
        _time.Advance(TimeSpan.FromSeconds(1));
        var afterLeeway = await Review(token);

        Assert.True(withinLeeway.Authenticated, withinLeeway.Status.Error);
        Assert.False(afterLeeway.Authenticated);
        Assert.Equal("service account token has expired", afterLeeway.Status.Error);
    }

    [Fact]
    public async Task FutureToken_IsNotValidYet_BeyondLeeway()
    {
        var token = Issue();
        var earlier = new FakeTimeProvider(Start.AddSeconds(-61));

        var result = await new TokenReviewer(_options, earlier, _objects).ReviewAsync(token, ["sts.amazonaws.com"], [_key]);

        Assert.Equal("service account token is not valid yet", result.Status.Error);
    }

    [Fact]
    public async Task DeletedPod_IsInvalidatedOnlyAfterLeeway()
    {
        var token = Issue();
        _objects.Pods["default/p"] = new ClusterObjectInfo("pod-uid", Start);

        _time.Advance(TimeSpan.FromSeconds(60));
        var recent = await Review(token);
        _time.Advance(TimeSpan.FromSeconds(1));
        var old = await Review(token);
        _objects.Pods.Remove("default/p");
        var gone = await Review(token);

        Assert.True(recent.Authenticated, recent.Status.Error);
        Assert.Equal("service account token has been invalidated", old.Status.Error);
        Assert.Equal("service account token has been invalidated", gone.Status.Error);
    }

    [Fact]
    public async Task RecreatedObjects_FailOnUid()
    {
        var token = Issue();

        _objects.Pods["default/p"] = new ClusterObjectInfo("new-pod-uid");
        var pod = await Review(token);
        _objects.ServiceAccounts["default/app"] = new ClusterObjectInfo("new-sa-uid");
        var serviceAccount = await Review(token);
        _objects.ServiceAccounts.Clear();
        var missing = await Review(token);

        Assert.Equal("pod UID (new-pod-uid) does not match service account pod ref claim (pod-uid)", pod.Status.Error);
        Assert.Equal("service account UID (new-sa-uid) does not match claim (sa-uid)", serviceAccount.Status.Error);
        Assert.Equal("serviceaccount \"app\" not found", missing.Status.Error);
    }

    [Fact]
    public async Task WrongAudience_IsRejected()
    {
        var result = await Review(Issue(), ["https://other"]);

        Assert.False(result.Authenticated);
        Assert.Equal("token audiences [\"sts.amazonaws.com\"] is invalid for the target audiences [\"https://other\"]", result.Status.Error);
    }

    [Fact]
    public async Task UnknownKid_FindsNoKeys()
    {
        using var other = ClusterSigningKey.Generate(SigningAlgorithm.ES256);

        var result = await new TokenReviewer(_options, _time, _objects).ReviewAsync(Issue(), null, [other]);

        Assert.Equal("invalid signature, no keys found", result.Status.Error);
    }

    [Fact]
    public async Task AlgNone_AndHs256_AreRejected()
    {
        var payload = Issue().Split('.')[1];
        var none = Header("{\"alg\":\"none\",\"kid\":\"" + _key.KeyId + "\"}") + "." + payload + ".";
        var hsInput = Header("{\"alg\":\"HS256\",\"kid\":\"" + _key.KeyId + "\"}") + "." + payload;
        var hs = hsInput + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key.ExportSubjectPublicKeyInfo(), Encoding.ASCII.GetBytes(hsInput)));

        var noneResult = await Review(none);
        var hsResult = await Review(hs);

        Assert.False(noneResult.Authenticated);
        Assert.False(hsResult.Authenticated);
        Assert.Equal("square/go-jose: unknown/unsupported algorithm", hsResult.Status.Error);
    }

    [Fact]
    public async Task TamperedSignature_AndForeignIssuer()
    {
        var token = Issue();
        var tampered = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");
        var foreign = new ServiceAccountTokenIssuer(_time).Issue(_key, Claims() with { Issuer = "https://elsewhere" }).Token;

        var bad = await Review(tampered);
        var notMine = await Review(foreign);

        Assert.Equal("square/go-jose: error in cryptographic primitive", bad.Status.Error);
        Assert.False(notMine.Authenticated);
        Assert.Null(notMine.Status.Error);
    }

    [Fact]
    public async Task StaleExtendedToken_StaysValid_WithAuditAnnotation()
    {
        var token = new ServiceAccountTokenIssuer(_time, new SequentialTokenIds())
            .Issue(_key, Claims() with { Audiences = [ApiAudience], ExpirationSeconds = 31536000, WarnAfterSeconds = 3607 }).Token;
        _time.Advance(TimeSpan.FromSeconds(3700));

        var result = await Review(token, [ApiAudience]);

        Assert.True(result.Authenticated);
        Assert.Equal("subject: system:serviceaccount:default:app, seconds after warning threshold: 93", result.StaleTokenAnnotation);
    }

    [Fact]
    public async Task NodeBoundToken_ChecksTheNode()
    {
        var token = new ServiceAccountTokenIssuer(_time).Issue(_key, Claims() with { Pod = null, Node = new ObjectRef("n1", "node-uid") }).Token;

        var valid = await Review(token);
        _objects.Nodes["n1"] = new ClusterObjectInfo("other");
        var recreated = await Review(token);

        Assert.True(valid.Authenticated);
        Assert.False(valid.Status.User.Extra.ContainsKey("authentication.kubernetes.io/pod-name"));
        Assert.Equal("node UID (other) does not match service account node ref claim (node-uid)", recreated.Status.Error);
    }

    private string Issue(int seconds = 3600, string audience = "sts.amazonaws.com") =>
        new ServiceAccountTokenIssuer(_time, new SequentialTokenIds())
            .Issue(_key, Claims() with { Audiences = [audience], ExpirationSeconds = seconds }).Token;

    private static ServiceAccountTokenClaims Claims() => new()
    {
        Issuer = Issuer,
        Namespace = "default",
        ServiceAccount = new ObjectRef("app", "sa-uid"),
        Pod = new ObjectRef("p", "pod-uid"),
        Node = new ObjectRef("n1", "node-uid"),
        Audiences = ["sts.amazonaws.com"],
        ExpirationSeconds = 3600,
    };

    private ValueTask<TokenReviewResult> Review(string token, IReadOnlyList<string>? audiences = null) =>
        new TokenReviewer(_options, _time, _objects).ReviewAsync(token, audiences ?? ["sts.amazonaws.com"], [_key]);

    private static string Header(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
