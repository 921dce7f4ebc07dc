using System.Security.Cryptography;
using System.Text;
using Irsa.Cluster.Keys;
using Irsa.Sts.Tests.Support;

namespace Irsa.Sts.Tests.WebIdentity;

/// <summary>Each case is one way of forging or replaying a web identity token; each must fail with the exact AWS code.</summary>
public sealed class AttackTests : IDisposable
{
    private readonly StsTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task AlgNone_IsRejected()
    {
        var token = Jws.Unsigned($$"""{"alg":"none","kid":"{{_bed.Key.KeyId}}"}""", _bed.Payload()) + ".";
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task AlgNoneUppercase_IsRejected()
    {
        var token = Jws.Unsigned($$"""{"alg":"NONE","kid":"{{_bed.Key.KeyId}}"}""", _bed.Payload()) + "." + Jws.B64("x");
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task Hs256_SignedWithThePublicKeyBytes_IsRejected()
    {
        var header = $$"""{"alg":"HS256","kid":"{{_bed.Key.KeyId}}"}""";
        foreach (var secret in new[] { _bed.Key.ExportSubjectPublicKeyInfo(), _bed.Key.ToJwk() })
        {
            var token = Jws.SignWith(input => HMACSHA256.HashData(secret, input), header, _bed.Payload());
            await AssertCode(token, "InvalidIdentityToken");
        }
    }

    [Fact]
    public async Task Ps256_IsRejected()
    {
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(_bed.Key.ExportPkcs8PrivateKey(), out _);
        var token = Jws.SignWith(input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            $$"""{"alg":"PS256","kid":"{{_bed.Key.KeyId}}"}""", _bed.Payload());
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task AlgorithmConfusion_Es256HeaderOnRsaKid_IsRejected()
    {
        using var ec = ClusterSigningKey.Generate(SigningAlgorithm.ES256);
        var token = Jws.Sign(ec, $$"""{"alg":"ES256","kid":"{{_bed.Key.KeyId}}"}""", _bed.Payload());
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task UnknownKid_IsRejected_AfterOneRateLimitedRefresh()
    {
        using var attacker = ClusterSigningKey.Generate(SigningAlgorithm.RS256);
        var token = _bed.Mint(key: attacker);
        StsTestBed.Result(await _bed.AssumeAsync(_bed.Mint()));
        _bed.Time.Advance(TimeSpan.FromSeconds(11));

        await AssertCode(token, "InvalidIdentityToken", StsErrors.KeyRetrievalMessage);
        await AssertCode(token, "InvalidIdentityToken", StsErrors.KeyRetrievalMessage);

        // One fetch to fill the cache, one refresh for the unknown kid, none for the repeat within the interval.
        Assert.Equal(2, _bed.Handler.CountRequests(StsTestBed.JwksUrl));
    }

    [Fact]
    public async Task RotatedOutKid_IsRejected()
    {
        using var newKey = ClusterSigningKey.Generate(SigningAlgorithm.RS256);
        var oldToken = _bed.Mint();
        _bed.PublishKeys(newKey);
        StsTestBed.Result(await _bed.AssumeAsync(_bed.Mint(key: newKey)));

        await AssertCode(oldToken, "InvalidIdentityToken", StsErrors.KeyRetrievalMessage);
    }

    [Theory]
    [InlineData("../../../etc/passwd")]
    [InlineData("' OR '1'='1' --")]
    [InlineData("https://evil.test/jwks")]
    [InlineData("%2e%2e%2f")]
    public async Task HostileKid_IsJustAnUnknownKid(string kid)
    {
        var token = Jws.Sign(_bed.Key, $$"""{"alg":"RS256","kid":{{System.Text.Json.JsonSerializer.Serialize(kid)}}}""", _bed.Payload());
        await AssertCode(token, "InvalidIdentityToken");
        Assert.All(_bed.Handler.Requests, r => Assert.StartsWith(StsTestBed.Issuer + "/", r.AbsoluteUri, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("jku", "\"https://evil.test/jwks.json\"")]
    [InlineData("x5u", "\"https://evil.test/cert.pem\"")]
    public async Task KeyUrlHeaders_AreNeverFetched(string member, string value)
    {
        using var attacker = ClusterSigningKey.Generate(SigningAlgorithm.RS256);
        _bed.Handler.Serve("https://evil.test/jwks.json", Irsa.Cluster.Discovery.JwksDocument.Create([attacker]));
        var token = Jws.Sign(attacker, $$"""{"alg":"RS256","kid":"{{attacker.KeyId}}","{{member}}":{{value}}}""", _bed.Payload());

        await AssertCode(token, "InvalidIdentityToken");
        Assert.DoesNotContain(_bed.Handler.Requests, r => r.Host == "evil.test");
    }

    [Fact]
    public async Task EmbeddedJwk_IsNotTrusted()
    {
        using var attacker = ClusterSigningKey.Generate(SigningAlgorithm.RS256);
        var jwk = Encoding.UTF8.GetString(attacker.ToJwk());
        var token = Jws.Sign(attacker, $$"""{"alg":"RS256","kid":"{{attacker.KeyId}}","jwk":{{jwk}}}""", _bed.Payload());
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task EmbeddedX5c_IsNotTrusted()
    {
        using var rsa = RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=evil", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        var token = Jws.SignWith(input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            $$"""{"alg":"RS256","x5c":["{{Convert.ToBase64String(cert.RawData)}}"]}""", _bed.Payload());
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task LegitimatelySignedTokenWithJku_StillUsesOnlyTheIssuerKeys()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(""",'jku':'x'""".Replace('\'', '"')), _bed.Payload());
        StsTestBed.Result(await _bed.AssumeAsync(token));
        Assert.DoesNotContain(_bed.Handler.Requests, r => r.AbsoluteUri.EndsWith("/x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CritHeader_IsRejected()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(""","crit":["exp"]"""), _bed.Payload());
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task Expired_IsExpiredTokenException_WithAwsWording()
    {
        var token = _bed.Mint();
        var exp = _bed.Now + 86400;
        _bed.Time.Advance(TimeSpan.FromSeconds(86400 + 61));

        var error = await AssertCode(token, "ExpiredTokenException");
        Assert.Equal(400, error.StatusCode);
        Assert.Equal($"Token expired: current date/time {_bed.Now} must be before the expiration date/time{exp}", error.Message);
    }

    [Fact]
    public async Task WithinClockSkew_IsAccepted()
    {
        var token = _bed.Mint();
        _bed.Time.Advance(TimeSpan.FromSeconds(86400 + 30));
        StsTestBed.Result(await _bed.AssumeAsync(token));
    }

    [Fact]
    public async Task FutureNotBefore_IsRejected()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(), _bed.Payload(new() { ["nbf"] = (_bed.Now + 600).ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task FutureIssuedAt_IsRejected()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(), _bed.Payload(new() { ["iat"] = (_bed.Now + 600).ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task StringTimestamps_AreRejected()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(), _bed.Payload(new() { ["exp"] = "\"" + (_bed.Now + 600) + "\"" }));
        await AssertCode(token, "InvalidIdentityToken", "Timestamps in the token must be formatted as either an integer or a long integer");
    }

    [Fact]
    public async Task FractionalTimestamps_AreRejected()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(), _bed.Payload(new() { ["exp"] = (_bed.Now + 600) + ".5" }));
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task MissingExp_IsRejected()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(), _bed.Payload(new() { ["exp"] = null }));
        await AssertCode(token, "InvalidIdentityToken", "Missing a required claim: exp");
    }

    [Fact]
    public async Task WrongIssuer_HasNoProvider()
    {
        var token = _bed.Mint(issuer: "https://evil.test/id/ABC");
        await AssertCode(token, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://evil.test/id/ABC");
        Assert.Empty(_bed.Handler.Requests);
    }

    [Fact]
    public async Task IssuerWithTrailingSlash_DoesNotMatchTheProvider()
    {
        var token = _bed.Mint(issuer: StsTestBed.Issuer + "/");
        await AssertCode(token, "InvalidIdentityToken");
    }

    [Fact]
    public async Task ProviderInAnotherAccount_IsNotUsed()
    {
        _bed.Directory.AddRole("444455556666", "irsa-app", StsTestBed.TrustPolicy);
        await AssertCode(_bed.Mint(), "InvalidIdentityToken", "No OpenIDConnect provider found in your account for " + StsTestBed.Issuer,
            roleArn: "arn:aws:iam::444455556666:role/irsa-app");
    }

    [Fact]
    public async Task WrongAudience_IsIncorrectTokenAudience()
    {
        await AssertCode(_bed.Mint(audience: "https://kubernetes.default.svc"), "InvalidIdentityToken", "Incorrect token audience");
    }

    [Fact]
    public async Task MissingAudience_IsMissingClaim()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(), _bed.Payload(new() { ["aud"] = null }));
        await AssertCode(token, "InvalidIdentityToken", "Missing a required claim: aud");
    }

    [Fact]
    public async Task MissingSubject_IsMissingClaim()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(), _bed.Payload(new() { ["sub"] = null }));
        await AssertCode(token, "InvalidIdentityToken", "Missing a required claim: sub");
    }

    [Fact]
    public async Task DuplicateKeysInPayload_AreRejected()
    {
        var payload = _bed.Payload().TrimEnd('}') + ",\"sub\":\"system:serviceaccount:kube-system:admin\"}";
        await AssertCode(Jws.Sign(_bed.Key, _bed.Header(), payload), "InvalidIdentityToken", StsErrors.NotAJwtMessage);
    }

    [Fact]
    public async Task DuplicateKeysInHeader_AreRejected()
    {
        var header = $$"""{"alg":"none","alg":"RS256","kid":"{{_bed.Key.KeyId}}"}""";
        await AssertCode(Jws.Sign(_bed.Key, header, _bed.Payload()), "InvalidIdentityToken", StsErrors.NotAJwtMessage);
    }

    [Fact]
    public async Task OversizedToken_IsValidationError()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(), _bed.Payload(new() { ["pad"] = "\"" + new string('x', 20000) + "\"" }));
        await AssertCode(token, "ValidationError");
    }

    [Fact]
    public async Task SignatureStripped_IsRejected()
    {
        var token = _bed.Mint();
        await AssertCode(token[..(token.LastIndexOf('.') + 1)], "InvalidIdentityToken");
        await AssertCode(token[..token.LastIndexOf('.')], "InvalidIdentityToken", StsErrors.NotAJwtMessage);
    }

    [Fact]
    public async Task SignatureTruncated_IsRejected()
    {
        var token = _bed.Mint();
        await AssertCode(token[..^4], "InvalidIdentityToken");
    }

    [Fact]
    public async Task PayloadSwappedAfterSigning_IsRejected()
    {
        var token = _bed.Mint(serviceAccount: "app");
        var other = _bed.Mint(ns: "kube-system", serviceAccount: "admin");
        var parts = token.Split('.');
        var forged = parts[0] + "." + other.Split('.')[1] + "." + parts[2];
        await AssertCode(forged, "InvalidIdentityToken", StsErrors.InvalidSignatureMessage);
    }

    [Fact]
    public async Task JweOrPaddedParts_AreNotJwts()
    {
        await AssertCode("a.b.c.d.e", "InvalidIdentityToken", StsErrors.NotAJwtMessage);
        var token = _bed.Mint();
        await AssertCode(token.Split('.')[0] + "=." + token.Split('.', 2)[1], "InvalidIdentityToken", StsErrors.NotAJwtMessage);
    }

    [Fact]
    public async Task TokenOfDeletedPod_IsRejectedByTheLivenessHook()
    {
        await AssertCode(_bed.Mint(podUid: "uid-of-a-deleted-pod"), "InvalidIdentityToken", StsErrors.PodGoneMessage);
    }

    [Fact]
    public async Task ProviderDeleted_IsNoProvider()
    {
        var token = _bed.Mint();
        StsTestBed.Result(await _bed.AssumeAsync(token));
        _bed.Directory.Providers.Clear();

        await AssertCode(token, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for " + StsTestBed.Issuer);
    }

    [Fact]
    public async Task AnotherServiceAccount_IsAccessDenied()
    {
        var error = await AssertCode(_bed.Mint(serviceAccount: "other"), "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
        Assert.Equal(403, error.StatusCode);
    }

    [Fact]
    public async Task MissingRole_IsAccessDenied()
    {
        await AssertCode(_bed.Mint(), "AccessDenied", roleArn: "arn:aws:iam::111122223333:role/nope");
    }

    [Fact]
    public async Task RolesClaimNotNamingTheRole_IsRejected()
    {
        var token = Jws.Sign(_bed.Key, _bed.Header(), _bed.Payload(new() { ["https://aws.amazon.com/roles"] = "[\"arn:aws:iam::111122223333:role/other\"]" }));
        await AssertCode(token, "InvalidIdentityToken", "The target role ARN is not present in the roles claim of the identity token");
    }

    private async Task<Irsa.Core.Aws.AwsError> AssertCode(string token, string code, string? message = null, string roleArn = StsTestBed.RoleArn)
    {
        var result = await _bed.AssumeAsync(token, roleArn);
        Assert.False(result.IsSuccess, "the forged token was accepted");
        Assert.Equal(code, result.Error!.Code);
        if (message is not null)
        {
            Assert.Equal(message, result.Error.Message);
        }

        return result.Error;
    }
}
