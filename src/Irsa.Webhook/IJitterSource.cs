namespace Irsa.Webhook;

/// <summary>Randomness for the container-credentials token-lifetime jitter; injected so tests are deterministic.</summary>
public interface IJitterSource
{
    /// <summary>A uniform random integer in <c>[0, maxInclusive]</c>.</summary>
    long Next(long maxInclusive);
}

/// <summary>The default <see cref="IJitterSource"/>, backed by <see cref="Random.Shared"/>.</summary>
public sealed class SharedRandomJitterSource : IJitterSource
{
    /// <summary>The shared instance.</summary>
    public static SharedRandomJitterSource Instance { get; } = new();

    /// <inheritdoc />
#pragma warning disable CA5394 // Spreads token refreshes over time; not a security decision.
    public long Next(long maxInclusive) => Random.Shared.NextInt64(maxInclusive + 1);
#pragma warning restore CA5394
}
