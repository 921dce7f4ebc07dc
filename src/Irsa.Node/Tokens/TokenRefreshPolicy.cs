namespace Irsa.Node.Tokens;

/// <summary>
/// The kubelet's token refresh rule (k8s-token-spec 4.2), computed from the TokenRequest response
/// rather than from the JWT.
/// </summary>
public static class TokenRefreshPolicy
{
    /// <summary>The upper bound (exclusive) of the random jitter.</summary>
    public static readonly TimeSpan MaxJitter = TimeSpan.FromSeconds(10);

    /// <summary>Tokens are replaced after this age whatever their lifetime.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);

    /// <summary>Draws a jitter in [0, <see cref="MaxJitter"/>).</summary>
    public static TimeSpan NextJitter(IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return MaxJitter * random.NextDouble();
    }

    /// <summary>
    /// True when the token must be replaced: with <c>iat = exp − ttl</c>, when
    /// <c>now &gt; iat + 24h − jitter</c>, or <c>now &gt; exp − 0.2·ttl − jitter</c> (older than 80 %),
    /// or <c>now &lt; iat</c> (the clock went backwards).
    /// </summary>
    public static bool RequiresRefresh(TokenRequestResult token, DateTimeOffset now, TimeSpan jitter)
    {
        ArgumentNullException.ThrowIfNull(token);
        var ttl = TimeSpan.FromSeconds(token.ExpirationSeconds);
        var exp = token.ExpirationTimestamp;
        var iat = exp - ttl;
        return now > iat + MaxAge - jitter
            || now > exp - (ttl * 0.2) - jitter
            || now < iat;
    }
}
