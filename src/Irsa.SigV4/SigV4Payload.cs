using System.Security.Cryptography;

namespace Irsa.SigV4;

/// <summary>How the request body takes part in SigV4: raw bytes, a precomputed SHA-256, or deferred to the caller.</summary>
public readonly struct SigV4Payload
{
    private SigV4Payload(SigV4PayloadSource source, ReadOnlyMemory<byte> body, string? sha256Hex)
    {
        Source = source;
        Body = body;
        Sha256Hex = sha256Hex;
    }

    /// <summary>An empty body (the default value of this type is also an empty body).</summary>
    public static SigV4Payload Empty => default;

    /// <summary>Which of the three forms this is.</summary>
    public SigV4PayloadSource Source { get; }

    /// <summary>The raw body bytes when <see cref="Source"/> is <see cref="SigV4PayloadSource.Bytes"/>.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The lower-case hex SHA-256 when <see cref="Source"/> is <see cref="SigV4PayloadSource.Sha256"/>.</summary>
    public string? Sha256Hex { get; }

    /// <summary>The raw body exactly as received (hash it before any form parsing).</summary>
    public static SigV4Payload FromBytes(ReadOnlyMemory<byte> body) => new(SigV4PayloadSource.Bytes, body, null);

    /// <summary>A SHA-256 of the body the caller already computed (64 hex digits).</summary>
    public static SigV4Payload FromSha256Hex(string sha256Hex)
    {
        ArgumentNullException.ThrowIfNull(sha256Hex);
        if (sha256Hex.Length != 64 || !IsHex(sha256Hex))
        {
            throw new ArgumentException("Expected 64 hexadecimal digits.", nameof(sha256Hex));
        }

        return new(SigV4PayloadSource.Sha256, default, sha256Hex.ToLowerInvariant());
    }

    /// <summary>
    /// The body is not available (e.g. a large streamed upload): the verifier trusts the declared
    /// <c>x-amz-content-sha256</c> and the caller must check the body against it while reading.
    /// </summary>
    public static SigV4Payload Deferred() => new(SigV4PayloadSource.Deferred, default, null);

    internal string ComputeSha256Hex()
    {
        if (Source == SigV4PayloadSource.Sha256)
        {
            return Sha256Hex!;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Body.Span, hash);
        return Convert.ToHexStringLower(hash);
    }

    private static bool IsHex(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The form a <see cref="SigV4Payload"/> takes.</summary>
public enum SigV4PayloadSource
{
    /// <summary>Raw body bytes (empty by default).</summary>
    Bytes,

    /// <summary>A precomputed SHA-256 hex digest.</summary>
    Sha256,

    /// <summary>The caller verifies the body against the declared hash itself.</summary>
    Deferred,
}
