using Irsa.Sts.Sessions;

namespace Irsa.Sts.Tests.Sessions;

public sealed class SessionTokenServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 8, 7, 12, 0, 0, TimeSpan.Zero);

    private static RoleSession NewSession(DateTimeOffset issuedAt) => new()
    {
        AccountId = "111122223333",
        RoleArn = "arn:aws:iam::111122223333:role/team/app",
        RoleId = "AROAEXAMPLEEXAMPLE1",
        RoleName = "app",
        SessionName = "s1",
        Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""",
        PolicyArns = ["arn:aws:iam::111122223333:policy/ro"],
        Tags = new Dictionary<string, string> { ["team"] = "blue" },
        SourceIdentity = "alice",
        IssuedAt = issuedAt,
        Expiration = issuedAt.AddHours(1),
        WebIdentity = new WebIdentitySession("https://oidc.test/id/ABC", "arn:aws:iam::111122223333:oidc-provider/oidc.test/id/ABC",
            "system:serviceaccount:default:app", "sts.amazonaws.com"),
        Kubernetes = new KubernetesSession("default", "app", "sa-uid", "app-7d9f", "pod-uid"),
    };

    [Fact]
    public void RoundTrip_OpensTheSealedSession_WithTheSameDerivedSecret()
    {
        var service = new SessionTokenService(SessionKeyRing.Generate(Now));
        var issued = service.Issue(NewSession(Now));

        var opened = service.Open(issued.AccessKeyId, issued.SessionToken, Now.AddMinutes(5));

        Assert.True(opened.IsValid, opened.Detail);
        Assert.Equal(issued.SecretAccessKey, opened.SecretAccessKey);
        Assert.Matches("^ASIA[A-Z2-7]{16}$", issued.AccessKeyId);
        Assert.Matches("^[A-Za-z0-9+/]{40}$", issued.SecretAccessKey);
        Assert.Matches("^[A-Za-z0-9_-]+$", issued.SessionToken);
        var session = opened.Session!;
        Assert.Equal(issued.AccessKeyId, session.AccessKeyId);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/app/s1", session.AssumedRoleArn);
        Assert.Equal(["arn:aws:iam::111122223333:policy/ro"], session.PolicyArns);
        Assert.Equal("blue", session.Tags["team"]);
        Assert.Equal("alice", session.SourceIdentity);
        Assert.Equal("pod-uid", session.Kubernetes!.PodUid);
        Assert.Equal("system:serviceaccount:default:app", session.WebIdentity!.Subject);
        Assert.Equal(Now.AddHours(1), session.Expiration);
        Assert.DoesNotContain(issued.SecretAccessKey, issued.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TamperedByte_IsInvalidClientTokenId()
    {
        var service = new SessionTokenService(SessionKeyRing.Generate(Now));
        var issued = service.Issue(NewSession(Now));

        foreach (var position in new[] { 0, 3, 12, 30, issued.SessionToken.Length / 2, issued.SessionToken.Length - 2 })
        {
            var chars = issued.SessionToken.ToCharArray();
            chars[position] = chars[position] == 'A' ? 'B' : 'A';
            var opened = service.Open(issued.AccessKeyId, new string(chars), Now);
            Assert.Equal("InvalidClientTokenId", opened.Error!.Code);
            Assert.Equal(403, opened.Error.StatusCode);
        }
    }

    [Fact]
    public void Expired_IsExpiredToken()
    {
        var service = new SessionTokenService(SessionKeyRing.Generate(Now));
        var issued = service.Issue(NewSession(Now));

        var opened = service.Open(issued.AccessKeyId, issued.SessionToken, Now.AddHours(1));

        Assert.True(opened.IsExpired);
        Assert.Equal("ExpiredToken", opened.Error!.Code);
        Assert.Equal("The security token included in the request is expired", opened.Error.Message);
    }

    [Fact]
    public void WrongAccessKeyId_IsInvalidClientTokenId()
    {
        var service = new SessionTokenService(SessionKeyRing.Generate(Now));
        var first = service.Issue(NewSession(Now));
        var second = service.Issue(NewSession(Now));

        Assert.Equal("InvalidClientTokenId", service.Open(second.AccessKeyId, first.SessionToken, Now).Error!.Code);
        Assert.Equal("InvalidClientTokenId", service.Open(first.AccessKeyId, null, Now).Error!.Code);
        Assert.Equal("InvalidClientTokenId", service.Open(first.AccessKeyId, "", Now).Error!.Code);
        Assert.Equal("InvalidClientTokenId", service.Open(first.AccessKeyId, "not base64url!", Now).Error!.Code);
    }

    [Fact]
    public void RotatedKeyRing_StillOpensOldTokens_AndSealsNewOnesWithTheNewestKey()
    {
        var service = new SessionTokenService(SessionKeyRing.Generate(Now));
        var old = service.Issue(NewSession(Now));

        service.ReplaceKeyRing(service.KeyRing.Rotate(Now.AddMinutes(10)));
        var fresh = service.Issue(NewSession(Now.AddMinutes(10)));

        Assert.True(service.Open(old.AccessKeyId, old.SessionToken, Now.AddMinutes(20)).IsValid);
        Assert.True(service.Open(fresh.AccessKeyId, fresh.SessionToken, Now.AddMinutes(20)).IsValid);
        Assert.NotEqual(old.SessionToken[..8], fresh.SessionToken[..8]);

        // Once every token of the retired key has expired, pruning drops it.
        var pruned = service.KeyRing.Prune(Now.AddMinutes(10) + SessionKeyRing.MaxSessionLifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(1, pruned.Count);
        service.ReplaceKeyRing(pruned);
        Assert.Equal("InvalidClientTokenId", service.Open(old.AccessKeyId, old.SessionToken, Now.AddMinutes(20)).Error!.Code);
    }

    [Fact]
    public void KeyRingState_RoundTrips_AndAnotherRingCannotOpen()
    {
        var ring = SessionKeyRing.Generate(Now).Rotate(Now.AddMinutes(1));
        var issued = new SessionTokenService(ring).Issue(NewSession(Now));

        var restored = SessionKeyRing.FromState(System.Text.Json.JsonSerializer.Deserialize<SessionKeyRingState>(
            System.Text.Json.JsonSerializer.Serialize(ring.ToState()))!);

        Assert.True(new SessionTokenService(restored).Open(issued.AccessKeyId, issued.SessionToken, Now).IsValid);
        Assert.False(new SessionTokenService(SessionKeyRing.Generate(Now)).Open(issued.AccessKeyId, issued.SessionToken, Now).IsValid);
        Assert.DoesNotContain(ring.ToState().Keys[0].Material, ring.ToState().Keys[0].ToString(), StringComparison.Ordinal);
    }
}
