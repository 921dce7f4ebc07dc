using System.Security.Cryptography;

namespace Irsa.Node.Tokens;

/// <summary>A source of uniformly distributed numbers in [0, 1); injected so tests can fix the jitter.</summary>
public interface IRandomSource
{
    /// <summary>Returns a number in [0, 1).</summary>
    double NextDouble();
}

/// <summary>The default <see cref="IRandomSource"/>, backed by the system's cryptographic generator.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    /// <summary>The shared instance.</summary>
    public static SystemRandomSource Instance { get; } = new();

    private const int Resolution = 1 << 24;

    /// <inheritdoc />
    public double NextDouble() => RandomNumberGenerator.GetInt32(Resolution) / (double)Resolution;
}
