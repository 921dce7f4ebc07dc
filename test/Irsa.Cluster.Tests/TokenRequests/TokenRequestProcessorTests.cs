using System.Text;
using System.Text.Json;
using Irsa.Cluster.Keys;
using Irsa.Cluster.TokenRequests;
using Irsa.Cluster.Tokens;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Cluster.Tests.TokenRequests;

public sealed class TokenRequestProcessorTests : IDisposable
{
    private const string Issuer = "https://issuer.example.com";
    private const string ApiAudience = "https://kubernetes.default.svc";

    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, 500, TimeSpan.Zero);

    private readonly ClusterSigningKey _key = ClusterSigningKey.Generate(SigningAlgorithm.ES256);
    private readonly FakeTimeProvider _time = new(Now);

    public void Dispose() => _key.Dispose();

    [Fact]
    public void EmptyRequest_DefaultsTo3600Seconds_AndApiAudiences()
    {
        var outcome = Process(Input(new V1TokenRequestSpec()));

        Assert.True(outcome.Succeeded);
        var response = outcome.Response!;
        Assert.Equal(3600, response.Spec.ExpirationSeconds);
        Assert.Equal([ApiAudience], response.Spec.Audiences);
        Assert.Equal(new DateTime(2025, 1, 1, 1, 0, 0, DateTimeKind.Utc), response.Status.ExpirationTimestamp);
        Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), response.Metadata.CreationTimestamp);
        Assert.Equal("app", response.Metadata.Name);
        Assert.Equal("default", response.Metadata.NamespaceProperty);
        Assert.Equal("sa-uid", response.Metadata.Uid);
        Assert.Empty(outcome.Warnings);
        using var payload = Payload(response.Status.Token);
        Assert.Equal(Issuer, payload.RootElement.GetProperty("iss").GetString());
        Assert.Equal(3600, payload.RootElement.GetProperty("exp").GetInt64() - payload.RootElement.GetProperty("iat").GetInt64());
        Assert.False(payload.RootElement.GetProperty("kubernetes.io").TryGetProperty("pod", out _));
    }

    [Fact]
    public void ApiAudiencesDefaultToAllIssuers()
    {
        var processor = new TokenRequestProcessor(
            new ClusterIssuerOptions { Issuers = [Issuer, "https://old.example.com"] },
            new ServiceAccountTokenIssuer(_time, new SequentialTokenIds()),
            _time);

        var outcome = processor.Process(Input(new V1TokenRequestSpec()), _key);

        Assert.Equal([Issuer, "https://old.example.com"], outcome.Response!.Spec.Audiences);
    }

    [Theory]
    [InlineData(599L, "TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes")]
    [InlineData(4294967297L, "TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds")]
    public void ExpirationOutOfRange_IsInvalid422(long seconds, string message)
    {
        var outcome = Process(Input(new V1TokenRequestSpec { ExpirationSeconds = seconds }));

        Assert.False(outcome.Succeeded);
        Assert.Equal(422, outcome.Failure!.Code);
        Assert.Equal("Invalid", outcome.Failure.Reason);
        Assert.Equal(message, outcome.Failure.Message);
    }

    [Theory]
    [InlineData(600L)]
    [InlineData(4294967296L)]
    public void ExpirationBounds_AreInclusive(long seconds) =>
        Assert.True(Process(Input(new V1TokenRequestSpec { ExpirationSeconds = seconds })).Succeeded);

    [Fact]
    public void MaxExpiration_ClampsWithWarning()
    {
        var processor = Processor(new ClusterIssuerOptions { Issuers = [Issuer], ApiAudiences = [ApiAudience], MaxTokenExpirationSeconds = 7200 });

        var outcome = processor.Process(Input(new V1TokenRequestSpec { ExpirationSeconds = 86400, Audiences = ["sts.amazonaws.com"] }), _key);

        Assert.Equal(7200, outcome.Response!.Spec.ExpirationSeconds);
        Assert.Equal(["requested expiration of 86400 seconds shortened to 7200 seconds"], outcome.Warnings);
        Assert.Equal(Now.AddSeconds(7200).AddMilliseconds(-500), outcome.Token!.ExpiresAt);
    }

    [Fact]
    public void PodBound3607ApiAudienceToken_IsExtendedToOneYear_ButResponseSays3607()
    {
        var outcome = Process(Input(PodSpec(3607), pod: Pod("app", "node-1"), node: Node("node-1", "node-uid")));

        Assert.True(outcome.Succeeded);
        Assert.Equal(new DateTime(2025, 1, 1, 1, 0, 7, DateTimeKind.Utc), outcome.Response!.Status.ExpirationTimestamp);
        using var payload = Payload(outcome.Response.Status.Token);
        var root = payload.RootElement;
        var iat = root.GetProperty("iat").GetInt64();
        Assert.Equal(31536000, root.GetProperty("exp").GetInt64() - iat);
        var kubernetes = root.GetProperty("kubernetes.io");
        Assert.Equal(3607, kubernetes.GetProperty("warnafter").GetInt64() - iat);
        Assert.Equal("""{"name":"p","uid":"pod-uid"}""", kubernetes.GetProperty("pod").GetRawText());
        Assert.Equal("""{"name":"node-1","uid":"node-uid"}""", kubernetes.GetProperty("node").GetRawText());
    }

    [Fact]
    public void Extension_NotAppliedForOtherAudiences_OtherSeconds_UnboundTokens_OrWhenDisabled()
    {
        var external = Process(Input(PodSpec(3607, "sts.amazonaws.com"), pod: Pod("app", null)));
        var otherSeconds = Process(Input(PodSpec(3608), pod: Pod("app", null)));
        var unbound = Process(Input(new V1TokenRequestSpec { ExpirationSeconds = 3607 }));
        var disabled = Processor(new ClusterIssuerOptions { Issuers = [Issuer], ApiAudiences = [ApiAudience], ExtendTokenExpiration = false })
            .Process(Input(PodSpec(3607), pod: Pod("app", null)), _key);

        foreach (var (outcome, seconds) in new[] { (external, 3607L), (otherSeconds, 3608L), (unbound, 3607L), (disabled, 3607L) })
        {
            using var payload = Payload(outcome.Response!.Status.Token);
            Assert.Equal(seconds, payload.RootElement.GetProperty("exp").GetInt64() - payload.RootElement.GetProperty("iat").GetInt64());
            Assert.False(payload.RootElement.GetProperty("kubernetes.io").TryGetProperty("warnafter", out _));
        }
    }

    [Fact]
    public void PodWithoutNodeObject_GetsNodeNameOnly_UnscheduledPodGetsNoNode()
    {
        var missingNode = Process(Input(PodSpec(3600), pod: Pod("app", "node-1")));
        var unscheduled = Process(Input(PodSpec(3600), pod: Pod("app", null)));

        using var first = Payload(missingNode.Response!.Status.Token);
        using var second = Payload(unscheduled.Response!.Status.Token);
        Assert.Equal("""{"name":"node-1"}""", first.RootElement.GetProperty("kubernetes.io").GetProperty("node").GetRawText());
        Assert.False(second.RootElement.GetProperty("kubernetes.io").TryGetProperty("node", out _));
    }

    [Fact]
    public void PodRunningAnotherServiceAccount_IsBadRequest()
    {
        var outcome = Process(Input(PodSpec(3600), pod: Pod("other", null)));

        Assert.Equal(400, outcome.Failure!.Code);
        Assert.Equal("BadRequest", outcome.Failure.Reason);
        Assert.Equal("cannot bind token for serviceaccount \"app\" to pod running with different serviceaccount name.", outcome.Failure.Message);
    }

    [Fact]
    public void BoundUidMismatch_IsConflict409()
    {
        var spec = PodSpec(3600);
        spec.BoundObjectRef.Uid = "stale-uid";

        var outcome = Process(Input(spec, pod: Pod("app", null)));

        Assert.Equal(409, outcome.Failure!.Code);
        Assert.Equal("Conflict", outcome.Failure.Reason);
        Assert.Equal(
            "Operation cannot be fulfilled on Pod \"p\": the UID in the bound object reference (stale-uid) does not match the UID in record. The object might have been deleted and then recreated",
            outcome.Failure.Message);
    }

    [Fact]
    public void MissingObjects_AreNotFound404()
    {
        var missingPod = Process(Input(PodSpec(3600)));
        var missingServiceAccount = Process(Input(new V1TokenRequestSpec()) with { ServiceAccount = null });

        Assert.Equal(404, missingPod.Failure!.Code);
        Assert.Equal("pods \"p\" not found", missingPod.Failure.Message);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"serviceaccounts \"app\" not found","reason":"NotFound","details":{"name":"app","kind":"serviceaccounts"},"code":404}""",
            Encoding.UTF8.GetString(missingServiceAccount.Failure!.ToJson()));
    }

    [Fact]
    public void UnsupportedKind_IsBadRequest()
    {
        var spec = new V1TokenRequestSpec { BoundObjectRef = new V1BoundObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "d" } };

        var outcome = Process(Input(spec));

        Assert.Equal(BoundObjectKind.Unsupported, TokenRequestProcessor.GetBoundObjectKind(spec.BoundObjectRef));
        Assert.Equal("cannot bind token to object of type apps/v1, Kind=Deployment", outcome.Failure!.Message);
    }

    [Fact]
    public void NameMismatch_IsInvalid_WithTheUrlName()
    {
        var input = Input(new V1TokenRequestSpec()) with
        {
            Request = new Authenticationv1TokenRequest { Metadata = new V1ObjectMeta { Name = "other" }, Spec = new V1TokenRequestSpec() },
        };

        var outcome = Process(input);

        Assert.Equal(
            "TokenRequest.authentication.k8s.io \"app\" is invalid: metadata.name: Invalid value: \"other\": must match the service account name if specified",
            outcome.Failure!.Message);
    }

    [Fact]
    public void ServiceAccountUidMismatch_IsConflict()
    {
        var input = Input(new V1TokenRequestSpec()) with
        {
            Request = new Authenticationv1TokenRequest { Metadata = new V1ObjectMeta { Uid = "old" }, Spec = new V1TokenRequestSpec() },
        };

        var outcome = Process(input);

        Assert.Equal(409, outcome.Failure!.Code);
    }

    [Fact]
    public void SecretAndNodeBindings_WriteTheirClaims()
    {
        var secretSpec = new V1TokenRequestSpec { BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Secret", Name = "s" } };
        var nodeSpec = new V1TokenRequestSpec { BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Node", Name = "n", Uid = "n-uid" } };

        var secret = Process(Input(secretSpec) with { Secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "s", Uid = "s-uid" } } });
        var node = Process(Input(nodeSpec) with { Node = new V1Node { Metadata = new V1ObjectMeta { Name = "n", Uid = "n-uid" } } });

        using var secretPayload = Payload(secret.Response!.Status.Token);
        using var nodePayload = Payload(node.Response!.Status.Token);
        Assert.Equal("""{"name":"s","uid":"s-uid"}""", secretPayload.RootElement.GetProperty("kubernetes.io").GetProperty("secret").GetRawText());
        Assert.Equal("""{"name":"n","uid":"n-uid"}""", nodePayload.RootElement.GetProperty("kubernetes.io").GetProperty("node").GetRawText());
    }

    [Fact]
    public void ResponseJson_HasKubeApiserverShape_WithNullBoundObjectRef()
    {
        var outcome = Process(Input(new V1TokenRequestSpec()));

        var json = Encoding.UTF8.GetString(TokenRequestJson.Serialize(outcome.Response!));

        Assert.Equal(
            "{\"kind\":\"TokenRequest\",\"apiVersion\":\"authentication.k8s.io/v1\",\"metadata\":{\"name\":\"app\",\"namespace\":\"default\",\"uid\":\"sa-uid\",\"creationTimestamp\":\"2025-01-01T00:00:00Z\"},"
            + "\"spec\":{\"audiences\":[\"https://kubernetes.default.svc\"],\"expirationSeconds\":3600,\"boundObjectRef\":null},"
            + "\"status\":{\"token\":\"" + outcome.Response!.Status.Token + "\",\"expirationTimestamp\":\"2025-01-01T01:00:00Z\"}}",
            json);
    }

    [Fact]
    public void InvalidOptions_AreRejected() =>
        Assert.Throws<ArgumentException>(() => Processor(new ClusterIssuerOptions { Issuers = [Issuer], MaxTokenExpirationSeconds = 60 }));

    private TokenRequestOutcome Process(TokenRequestInput input) =>
        Processor(new ClusterIssuerOptions { Issuers = [Issuer], ApiAudiences = [ApiAudience] }).Process(input, _key);

    private TokenRequestProcessor Processor(ClusterIssuerOptions options) =>
        new(options, new ServiceAccountTokenIssuer(_time, new SequentialTokenIds()), _time);

    private static TokenRequestInput Input(V1TokenRequestSpec spec, V1Pod? pod = null, V1Node? node = null) => new()
    {
        Namespace = "default",
        ServiceAccountName = "app",
        Request = new Authenticationv1TokenRequest { Spec = spec },
        ServiceAccount = new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "default", Uid = "sa-uid" } },
        Pod = pod,
        Node = node,
    };

    private static V1TokenRequestSpec PodSpec(long seconds, string? audience = null) => new()
    {
        ExpirationSeconds = seconds,
        Audiences = audience is null ? null : [audience],
        BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Pod", Name = "p" },
    };

    private static V1Pod Pod(string serviceAccount, string? nodeName) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "default", Uid = "pod-uid" },
        Spec = new V1PodSpec { ServiceAccountName = serviceAccount, NodeName = nodeName },
    };

    private static V1Node Node(string name, string uid) => new() { Metadata = new V1ObjectMeta { Name = name, Uid = uid } };

    private static JsonDocument Payload(string token) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
}
