using System.Text;
using Irsa.Cluster.Discovery;
using Irsa.Cluster.Keys;
using Irsa.Cluster.TokenReviews;
using Irsa.Cluster.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Cluster.Tests.Keys;

public sealed class SigningKeyRingTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Delay = TimeSpan.FromHours(2);

    [Fact]
    public void FirstKey_SignsImmediately()
    {
        using var ring = new SigningKeyRing();

        var record = ring.Rotate(Start, Delay, SigningAlgorithm.ES256);

        Assert.Equal(Start, record.ActivatesAt);
        Assert.Equal(record.KeyId, ring.GetSigningKey(Start).KeyId);
        Assert.Equal(SigningKeyState.Active, record.StateAt(Start));
    }

    [Fact]
    public void EmptyRing_HasNoSigningKey()
    {
        using var ring = new SigningKeyRing();

        Assert.Throws<InvalidOperationException>(() => ring.GetSigningKey(Start));
    }

    [Fact]
    public void NewKey_IsPublishedBeforeItSigns_AndOldKeySignsUntilThen()
    {
        using var ring = new SigningKeyRing();
        var first = ring.Rotate(Start, Delay, SigningAlgorithm.ES256);
        var rotatedAt = Start.AddDays(1);

        var second = ring.Rotate(rotatedAt, Delay, SigningAlgorithm.ES256);

        var jwks = Encoding.UTF8.GetString(JwksDocument.Create(ring.GetPublishedKeys()));
        Assert.Contains(second.KeyId, jwks, StringComparison.Ordinal);
        Assert.Contains(first.KeyId, jwks, StringComparison.Ordinal);
        Assert.Equal(first.KeyId, ring.GetSigningKey(rotatedAt).KeyId);
        Assert.Equal(first.KeyId, ring.GetSigningKey(rotatedAt + Delay - TimeSpan.FromSeconds(1)).KeyId);
        Assert.Equal(second.KeyId, ring.GetSigningKey(rotatedAt + Delay).KeyId);
        Assert.Equal(
            [SigningKeyState.Active, SigningKeyState.Published],
            ring.Describe(rotatedAt).Select(d => d.State));
        Assert.Equal(
            [SigningKeyState.Retired, SigningKeyState.Active],
            ring.Describe(rotatedAt + Delay).Select(d => d.State));
    }

    [Fact]
    public async Task OldTokens_VerifyUntilExpiry_ThenTheKeyIsPruned()
    {
        var time = new FakeTimeProvider(Start);
        var options = new ClusterIssuerOptions { Issuers = ["https://issuer.example.com"], ExtendTokenExpiration = false, MaxTokenExpirationSeconds = 86400 };
        using var ring = new SigningKeyRing(SigningKeyRingOptions.ForCluster(options));
        var objects = new TokenReviews.InMemoryClusterObjects();
        objects.ServiceAccounts["default/app"] = new ClusterObjectInfo("sa-uid");
        var reviewer = new TokenReviewer(options, time, objects);
        var issuer = new ServiceAccountTokenIssuer(time);
        var first = ring.Rotate(Start, Delay, SigningAlgorithm.ES256);

        // A token signed by the first key just before it retires.
        ring.Rotate(Start.AddHours(1), Delay, SigningAlgorithm.ES256);
        time.SetUtcNow(Start.AddHours(3) - TimeSpan.FromSeconds(1));
        var oldKey = ring.GetSigningKey(time.GetUtcNow());
        var issued = issuer.Issue(oldKey, Claims(86400));
        Assert.True(ring.RecordIssued(oldKey.KeyId, issued.ExpiresAt));
        Assert.False(ring.RecordIssued(oldKey.KeyId, issued.ExpiresAt.AddSeconds(-1)));

        // After rotation completes the old token still verifies against the published keys.
        time.SetUtcNow(Start.AddHours(12));
        Assert.NotEqual(first.KeyId, ring.GetSigningKey(time.GetUtcNow()).KeyId);
        Assert.Empty(ring.Prune(time.GetUtcNow()));
        var review = await reviewer.ReviewAsync(issued.Token, ["sts.amazonaws.com"], ring.GetPublishedKeys());
        Assert.True(review.Authenticated, review.Status.Error);

        // Kept through expiry plus grace, then pruned.
        var until = ring.PublishedUntil(ring.ExportState()[0])!.Value;
        Assert.True(until >= issued.ExpiresAt);
        Assert.Empty(ring.Prune(until - TimeSpan.FromSeconds(1)));
        var removed = ring.Prune(until);
        Assert.Equal([first.KeyId], removed.Select(r => r.KeyId));
        Assert.Single(ring.GetPublishedKeys());
        time.SetUtcNow(until);
        var afterPrune = await reviewer.ReviewAsync(issued.Token, ["sts.amazonaws.com"], ring.GetPublishedKeys());
        Assert.False(afterPrune.Authenticated);
    }

    [Fact]
    public void RetiredKey_WithoutRecordedTokens_IsKeptForTheMaxTokenLifetime()
    {
        using var ring = new SigningKeyRing(new SigningKeyRingOptions { MaxTokenLifetime = TimeSpan.FromDays(1), RetentionGrace = TimeSpan.Zero });
        ring.Rotate(Start, Delay, SigningAlgorithm.ES256);
        ring.Rotate(Start, Delay, SigningAlgorithm.ES256);

        Assert.Empty(ring.Prune(Start + Delay + TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1)));
        Assert.Single(ring.Prune(Start + Delay + TimeSpan.FromDays(1)));
    }

    [Fact]
    public void State_RoundTrips_AndSupersededPendingKeyNeverSigns()
    {
        using var ring = new SigningKeyRing();
        var first = ring.Rotate(Start, Delay, SigningAlgorithm.ES256);
        var pending = ring.Rotate(Start.AddHours(1), Delay, SigningAlgorithm.ES256);
        var latest = ring.Rotate(Start.AddHours(1.5), TimeSpan.FromMinutes(10), SigningAlgorithm.ES256);

        using var restored = SigningKeyRing.FromState(ring.ExportState());

        Assert.Equal(ring.ExportState().Select(r => r.KeyId), restored.ExportState().Select(r => r.KeyId));
        Assert.Equal(first.KeyId, restored.GetSigningKey(Start.AddHours(1.5)).KeyId);
        Assert.Equal(latest.KeyId, restored.GetSigningKey(Start.AddHours(1.5) + TimeSpan.FromMinutes(10)).KeyId);
        Assert.Equal(latest.KeyId, restored.GetSigningKey(Start.AddHours(4)).KeyId);
        Assert.Equal(pending.ActivatesAt, restored.ExportState()[1].RetiresAt);
    }

    private static ServiceAccountTokenClaims Claims(long seconds) => new()
    {
        Issuer = "https://issuer.example.com",
        Namespace = "default",
        ServiceAccount = new ObjectRef("app", "sa-uid"),
        Audiences = ["sts.amazonaws.com"],
        ExpirationSeconds = seconds,
    };
}
