using Irsa.Node.Projection;

namespace Irsa.Node.Tokens;

/// <summary>
/// A <c>serviceAccountToken</c> source of a projected volume: which token to request and where to put it.
/// </summary>
public sealed record ServiceAccountTokenProjection
{
    /// <summary>The default (and minimum-free) lifetime, as in the API's defaulting.</summary>
    public const long DefaultExpirationSeconds = 3600;

    /// <summary>The smallest lifetime the API accepts.</summary>
    public const long MinExpirationSeconds = 600;

    /// <summary>The largest lifetime the API accepts (2^32).</summary>
    public const long MaxExpirationSeconds = 1L << 32;

    /// <summary>The audience, or null/empty to request the issuer's default (API) audiences.</summary>
    public string? Audience { get; init; }

    /// <summary>The requested lifetime in seconds (600 to 2^32; default 3600).</summary>
    public long ExpirationSeconds { get; init; } = DefaultExpirationSeconds;

    /// <summary>The file path relative to the volume directory (default <c>token</c>).</summary>
    public string Path { get; init; } = "token";

    /// <summary>The audiences list sent in the TokenRequest.</summary>
    public IReadOnlyList<string> Audiences => string.IsNullOrEmpty(Audience) ? [] : [Audience];

    /// <summary>Throws <see cref="ArgumentException"/> when the source would be rejected by the API.</summary>
    public void Validate()
    {
        if (ExpirationSeconds is < MinExpirationSeconds or > MaxExpirationSeconds)
        {
            throw new ArgumentException(
                $"expirationSeconds must be between {MinExpirationSeconds} and {MaxExpirationSeconds}, got {ExpirationSeconds}.");
        }

        PayloadPath.Validate(Path);
    }
}
