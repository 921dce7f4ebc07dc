using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Irsa.Node.Agent;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Node.Tests.Agent;

/// <summary>The agent's checks, answers and cache, against a scripted eks-auth.</summary>
public sealed class PodIdentityAgentTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero));
    private readonly ScriptedEksAuth _eksAuth = new();

    private PodIdentityAgent Agent(TimeSpan? retention = null)
    {
        var options = new PodIdentityAgentOptions { MaxCredentialRetention = retention ?? TimeSpan.FromHours(3) };
        _eksAuth.Time = _time;
        return new PodIdentityAgent(new PodCredentialCache(_eksAuth, options, _time), options, _time);
    }

    private string Token(long? expiresIn = 3600, long? notBeforeIn = null)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var claims = new JsonObject { ["aud"] = "pods.eks.amazonaws.com", ["sub"] = "system:serviceaccount:default:app" };
        if (expiresIn is { } exp)
        {
            claims["exp"] = now + exp;
        }

        if (notBeforeIn is { } nbf)
        {
            claims["nbf"] = now + nbf;
        }

        return "eyJhbGciOiJSUzI1NiJ9." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString())) + ".c2ln";
    }

    [Fact]
    public async Task Credentials_are_served_in_the_container_credentials_format()
    {
        var response = await Agent().HandleAsync("/v1/credentials", "169.254.170.23", Token(), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        var json = JsonNode.Parse(response.Body)!.AsObject();
        Assert.Equal(["AccessKeyId", "SecretAccessKey", "Token", "AccountId", "Expiration"], json.Select(p => p.Key));
        Assert.Equal("ASIA000000000000001", json["AccessKeyId"]!.GetValue<string>());
        Assert.Equal("111122223333", json["AccountId"]!.GetValue<string>());
        Assert.Equal("2026-12-03T14:00:00Z", json["Expiration"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("169.254.170.23:80")]
    [InlineData("[fd00:ec2::23]")]
    [InlineData("[fd00:ec2:0::23]:80")]
    public async Task The_bind_addresses_are_accepted_with_or_without_port(string host) =>
        Assert.Equal(200, (await Agent().HandleAsync("/v1/credentials", host, Token(), CancellationToken.None)).StatusCode);

    [Fact]
    public async Task A_request_through_another_address_is_refused_as_the_real_agent_refuses_it()
    {
        var response = await Agent().HandleAsync("/v1/credentials", "10.0.0.5:80", Token(), CancellationToken.None);

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("Access Denied. Called agent through invalid address, please use either [169.254.170.23 fd00:ec2::23] address not 10.0.0.5",
            Encoding.UTF8.GetString(response.Body));
        Assert.Equal(0, _eksAuth.Calls);
    }

    [Fact]
    public async Task Missing_malformed_expired_and_premature_tokens_get_400_without_asking_eks_auth()
    {
        var agent = Agent();
        async Task<string> Refusal(string? token)
        {
            var response = await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
            Assert.Equal(400, response.StatusCode);
            return Encoding.UTF8.GetString(response.Body);
        }

        Assert.Equal("Service account token cannot be empty", await Refusal(null));
        Assert.Equal("Service account token cannot be empty", await Refusal(""));
        Assert.StartsWith("Service account token cannot be parsed: ", await Refusal("Bearer abc"), StringComparison.Ordinal);
        Assert.StartsWith("Service account token cannot be parsed: ", await Refusal("a.!!!.c"), StringComparison.Ordinal);
        Assert.StartsWith("Service account token failed basic claim validations: ", await Refusal(Token(expiresIn: -5)), StringComparison.Ordinal);
        Assert.StartsWith("Service account token failed basic claim validations: ", await Refusal(Token(notBeforeIn: 600)), StringComparison.Ordinal);
        Assert.Equal(0, _eksAuth.Calls);
    }

    [Fact]
    public async Task A_forged_token_gets_eks_auths_status_and_error_text_and_no_credentials()
    {
        _eksAuth.Failure = new EksAuthException(400, "InvalidTokenException", "The token is not valid", "req-1");

        var response = await Agent().HandleAsync("/v1/credentials", "169.254.170.23", Token(), CancellationToken.None);

        Assert.Equal(400, response.StatusCode);
        Assert.StartsWith("text/plain", response.ContentType, StringComparison.Ordinal);
        var body = Encoding.UTF8.GetString(response.Body);
        Assert.Equal("[req-1]: (InvalidTokenException): The token is not valid, fault: client", body);
        Assert.DoesNotContain("ASIA", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_are_cached_per_token_until_renewal()
    {
        var agent = Agent();
        var token = Token();
        var first = await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
        var second = await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
        Assert.Equal(1, _eksAuth.Calls);
        Assert.Equal(first.Body, second.Body);

        // Another pod's token is its own entry.
        await agent.HandleAsync("/v1/credentials", "169.254.170.23", Token(expiresIn: 3000), CancellationToken.None);
        Assert.Equal(2, _eksAuth.Calls);

        // After the retention (3 h), the next request renews.
        _time.Advance(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(1));
        var renewed = await agent.HandleAsync("/v1/credentials", "169.254.170.23", Token(expiresIn: 3600), CancellationToken.None);
        Assert.Equal(200, renewed.StatusCode);
        Assert.Equal(3, _eksAuth.Calls);
    }

    [Fact]
    public async Task Short_lived_credentials_are_renewed_before_the_SDKs_refresh_window()
    {
        _eksAuth.Lifetime = TimeSpan.FromHours(1);
        var agent = Agent();
        var token = Token(expiresIn: 86400);
        await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(44));
        await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
        Assert.Equal(1, _eksAuth.Calls);
        _time.Advance(TimeSpan.FromMinutes(2));
        await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
        Assert.Equal(2, _eksAuth.Calls);
    }

    [Fact]
    public async Task Zero_retention_asks_eks_auth_every_time()
    {
        var agent = Agent(TimeSpan.Zero);
        var token = Token();
        await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
        await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
        Assert.Equal(2, _eksAuth.Calls);
    }

    [Fact]
    public async Task A_retryable_failure_keeps_serving_cached_credentials_and_a_final_one_evicts_them()
    {
        var agent = Agent(TimeSpan.FromMinutes(10));
        var token = Token(expiresIn: 86400);
        var cached = await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(11));
        _eksAuth.Failure = new EksAuthException(503, "ServiceUnavailableException", "try later", "req-2");
        var kept = await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
        Assert.Equal(200, kept.StatusCode);
        Assert.Equal(cached.Body, kept.Body);

        _time.Advance(TimeSpan.FromMinutes(3));
        _eksAuth.Failure = new EksAuthException(404, "ResourceNotFoundException", "no association", "req-3");
        var final = await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
        Assert.Equal(404, final.StatusCode);

        // Evicted: the association's removal is not hidden by the cache.
        var again = await agent.HandleAsync("/v1/credentials", "169.254.170.23", token, CancellationToken.None);
        Assert.Equal(404, again.StatusCode);
    }

    [Fact]
    public async Task Other_paths_are_not_served() =>
        Assert.Equal(404, (await Agent().HandleAsync("/v1/other", "169.254.170.23", Token(), CancellationToken.None)).StatusCode);

    private sealed class ScriptedEksAuth : IEksAuthClient
    {
        public TimeProvider Time { get; set; } = TimeProvider.System;

        public int Calls { get; private set; }

        public EksAuthException? Failure { get; set; }

        public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(6);

        public Task<ContainerCredentials> AssumeRoleForPodIdentityAsync(string token, CancellationToken cancellationToken)
        {
            Calls++;
            return Failure is { } failure
                ? Task.FromException<ContainerCredentials>(failure)
                : Task.FromResult(new ContainerCredentials($"ASIA{Calls:D15}", "secret", "session", "111122223333", Time.GetUtcNow() + Lifetime));
        }
    }
}
