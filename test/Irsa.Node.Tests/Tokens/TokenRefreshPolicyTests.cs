using Irsa.Node.Tests.TestSupport;
using Irsa.Node.Tokens;

namespace Irsa.Node.Tests.Tokens;

public sealed class TokenRefreshPolicyTests
{
    private static readonly DateTimeOffset Issued = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Jitter = TimeSpan.FromSeconds(5);

    private static TokenRequestResult Token(long seconds) => new("t", Issued.AddSeconds(seconds), seconds);

    [Theory]
    [InlineData(3600, 2880)] // 80 % of an hour: 48 min
    [InlineData(86400, 69120)] // 80 % of a day: 19.2 h
    [InlineData(3607, 2885.6)] // the default kube-api-access lifetime
    [InlineData(172800, 86400)] // long tokens: 24 h cap
    [InlineData(600, 480)]
    public void RefreshesAfterThresholdMinusJitter(long lifetime, double thresholdSeconds)
    {
        var token = Token(lifetime);
        var threshold = Issued.AddSeconds(thresholdSeconds) - Jitter;

        Assert.False(TokenRefreshPolicy.RequiresRefresh(token, Issued, Jitter));
        Assert.False(TokenRefreshPolicy.RequiresRefresh(token, threshold, Jitter));
        Assert.True(TokenRefreshPolicy.RequiresRefresh(token, threshold.AddMilliseconds(1), Jitter));
    }

    [Fact]
    public void ClockBeforeIssuedAt_RequiresRefresh()
    {
        Assert.True(TokenRefreshPolicy.RequiresRefresh(Token(3600), Issued.AddSeconds(-1), TimeSpan.Zero));
    }

    [Fact]
    public void Jitter_IsBelowTenSeconds()
    {
        Assert.Equal(TimeSpan.Zero, TokenRefreshPolicy.NextJitter(new FixedRandomSource(0)));
        Assert.True(TokenRefreshPolicy.NextJitter(new FixedRandomSource(0.999999)) < TimeSpan.FromSeconds(10));
        var real = TokenRefreshPolicy.NextJitter(SystemRandomSource.Instance);
        Assert.InRange(real, TimeSpan.Zero, TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
    }

    [Fact]
    public void TokenRequestResult_ToStringHidesTheToken()
    {
        Assert.DoesNotContain("secret-jwt", new TokenRequestResult("secret-jwt", Issued, 3600).ToString(), StringComparison.Ordinal);
    }
}
