namespace Irsa.Cluster.Keys;

/// <summary>How long retired keys stay published.</summary>
public sealed class SigningKeyRingOptions
{
    /// <summary>Lifetime of an extended (3607-second, pod-bound) token: 365 days.</summary>
    public static readonly TimeSpan ExtendedTokenLifetime = TimeSpan.FromDays(365);

    /// <summary>
    /// Upper bound on any token's lifetime. A retired key stays published at least this long after it retires,
    /// even without <see cref="SigningKeyRing.RecordIssued"/>. <see langword="null"/>: rely on recorded expiries only.
    /// </summary>
    public TimeSpan? MaxTokenLifetime { get; init; }

    /// <summary>
    /// Extra time a retired key stays published after its last token expires: covers the 60 s validation leeway
    /// and relying parties such as AWS STS that accept tokens up to 5 minutes past <c>exp</c>.
    /// </summary>
    public TimeSpan RetentionGrace { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Options matching a cluster's token settings: one year when token extension is on (the longer of that and the
    /// max expiration), else the max expiration, else recorded expiries only.
    /// </summary>
    public static SigningKeyRingOptions ForCluster(ClusterIssuerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TimeSpan? max = options.MaxTokenExpirationSeconds > 0 ? TimeSpan.FromSeconds(options.MaxTokenExpirationSeconds) : null;
        if (options.ExtendTokenExpiration)
        {
            max = max is { } m && m > ExtendedTokenLifetime ? m : ExtendedTokenLifetime;
        }

        return new SigningKeyRingOptions { MaxTokenLifetime = max };
    }
}
