using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;
using Irsa.Cluster.Discovery;
using Irsa.Cluster.Keys;
using Irsa.Cluster.Tokens;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Irsa.Cluster.Tests.Tokens;

public sealed partial class ServiceAccountTokenIssuerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1700077413).AddMilliseconds(789);

    private static ServiceAccountTokenClaims PodBoundClaims() => new()
    {
        Issuer = "https://kubernetes.default.svc",
        Namespace = "kube-system",
        ServiceAccount = new ObjectRef("coredns", "a087d5a0-e1dd-43ec-93ac-f13d89cd13af"),
        Pod = new ObjectRef("coredns-69cbfb9798-jv9gn", "778a530c-b3f4-47c0-9cd5-ab018fb64f33"),
        Node = new ObjectRef("127.0.0.1", "58456cb0-dd00-45ed-b797-5578fdceaced"),
        Audiences = ["https://kubernetes.default.svc"],
        ExpirationSeconds = 31536000,
        WarnAfterSeconds = 3607,
    };

    [Fact]
    public void PodBoundExtendedToken_MatchesKubernetesDocsExample()
    {
        var key = TestKeys.SharedRsa;
        var issuer = new ServiceAccountTokenIssuer(new FakeTimeProvider(Now), new FixedTokenId("ea28ed49-2e11-4280-9ec5-bc3d1d84661a"));

        var issued = issuer.Issue(key, PodBoundClaims());

        var (header, payload) = Decode(issued.Token);
        Assert.Equal("{\"alg\":\"RS256\",\"kid\":\"" + key.KeyId + "\"}", header);
        Assert.Equal(
            """{"aud":["https://kubernetes.default.svc"],"exp":1731613413,"iat":1700077413,"iss":"https://kubernetes.default.svc","jti":"ea28ed49-2e11-4280-9ec5-bc3d1d84661a","kubernetes.io":{"namespace":"kube-system","node":{"name":"127.0.0.1","uid":"58456cb0-dd00-45ed-b797-5578fdceaced"},"pod":{"name":"coredns-69cbfb9798-jv9gn","uid":"778a530c-b3f4-47c0-9cd5-ab018fb64f33"},"serviceaccount":{"name":"coredns","uid":"a087d5a0-e1dd-43ec-93ac-f13d89cd13af"},"warnafter":1700081020},"nbf":1700077413,"sub":"system:serviceaccount:kube-system:coredns"}""",
            payload);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700077413), issued.IssuedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1731613413), issued.ExpiresAt);
        Assert.Equal(key.KeyId, issued.KeyId);
    }

    [Fact]
    public void SingleAudience_IsAnArray_SecretBinding_OmitsEmptyUid_AndGoEscapes()
    {
        using var key = ClusterSigningKey.Generate(SigningAlgorithm.ES256);
        var issuer = new ServiceAccountTokenIssuer(new FakeTimeProvider(Now), new FixedTokenId("00000000-0000-4000-8000-000000000001"));
        var claims = new ServiceAccountTokenClaims
        {
            Issuer = "https://issuer.example.com/id/ABC",
            Namespace = "default",
            ServiceAccount = new ObjectRef("app", "sa-uid"),
            Secret = new ObjectRef("s", null),
            Audiences = ["a<b>&c+d'é\u2028\"\\\n"],
            ExpirationSeconds = 86400,
        };

        var (header, payload) = Decode(issuer.Issue(key, claims).Token);

        Assert.Equal("{\"alg\":\"ES256\",\"kid\":\"" + key.KeyId + "\"}", header);
        Assert.Equal(
            "{\"aud\":[\"a\\u003cb\\u003e\\u0026c+d'é\\u2028\\\"\\\\\\n\"],\"exp\":1700163813,\"iat\":1700077413,\"iss\":\"https://issuer.example.com/id/ABC\",\"jti\":\"00000000-0000-4000-8000-000000000001\",\"kubernetes.io\":{\"namespace\":\"default\",\"secret\":{\"name\":\"s\"},\"serviceaccount\":{\"name\":\"app\",\"uid\":\"sa-uid\"}},\"nbf\":1700077413,\"sub\":\"system:serviceaccount:default:app\"}",
            payload);
    }

    [Fact]
    public void DefaultTokenIds_AreLowercaseUuidV4_FromTheInjectedRandomSource()
    {
        var generator = new UuidTokenIdGenerator(span => span.Fill(0xFF));
        var random = UuidTokenIdGenerator.Shared.NewTokenId();

        Assert.Equal("ffffffff-ffff-4fff-bfff-ffffffffffff", generator.NewTokenId());
        Assert.Matches(UuidV4(), random);
    }

    [Theory]
    [InlineData(SigningAlgorithm.RS256)]
    [InlineData(SigningAlgorithm.ES256)]
    public async Task Token_ValidatesWithIdentityModel_UsingOurJwks(SigningAlgorithm algorithm)
    {
        using var generated = algorithm == SigningAlgorithm.RS256 ? null : ClusterSigningKey.Generate(algorithm);
        var key = generated ?? TestKeys.SharedRsa;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var issuer = new ServiceAccountTokenIssuer(time);
        var claims = PodBoundClaims() with { Audiences = ["sts.amazonaws.com"], ExpirationSeconds = 86400, WarnAfterSeconds = null };
        var token = issuer.Issue(key, claims).Token;

        var jwks = new JsonWebKeySet(Encoding.UTF8.GetString(JwksDocument.Create([key])));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://kubernetes.default.svc",
            ValidAudience = "sts.amazonaws.com",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [algorithm.ToJoseName()],
        });

        Assert.True(result.IsValid, result.Exception?.ToString());
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal(key.KeyId, jwt.Kid);
        Assert.False(jwt.TryGetHeaderValue<string>("typ", out _));
        Assert.Equal("system:serviceaccount:kube-system:coredns", jwt.Subject);
        Assert.Equal(jwt.IssuedAt, jwt.ValidFrom);
    }

    [Fact]
    public async Task TamperedToken_FailsIdentityModelValidation()
    {
        using var key = ClusterSigningKey.Generate(SigningAlgorithm.ES256);
        var token = new ServiceAccountTokenIssuer(new FakeTimeProvider(DateTimeOffset.UtcNow)).Issue(key, PodBoundClaims()).Token;
        var parts = token.Split('.');
        var forged = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes("{\"sub\":\"x\"}")) + "." + parts[2];

        var jwks = new JsonWebKeySet(Encoding.UTF8.GetString(JwksDocument.Create([key])));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(forged, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });

        Assert.False(result.IsValid);
    }

    internal static (string Header, string Payload) Decode(string token)
    {
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.DoesNotContain('=', token);
        return (Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])), Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])));
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex UuidV4();

    private sealed class FixedTokenId(string id) : ITokenIdGenerator
    {
        public string NewTokenId() => id;
    }
}
