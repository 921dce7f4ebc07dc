using System.Security.Cryptography;

namespace Irsa.Cluster.Tokens;

/// <summary>Fills a buffer with random bytes.</summary>
public delegate void RandomFill(Span<byte> destination);

/// <summary>Generates random (version 4) UUIDs as token ids from a pluggable random source.</summary>
public sealed class UuidTokenIdGenerator : ITokenIdGenerator
{
    private readonly RandomFill _fill;

    /// <summary>Creates a generator; the default source is the OS CSPRNG.</summary>
    public UuidTokenIdGenerator(RandomFill? fill = null) => _fill = fill ?? RandomNumberGenerator.Fill;

    /// <summary>A shared generator backed by the OS CSPRNG.</summary>
    public static UuidTokenIdGenerator Shared { get; } = new();

    /// <inheritdoc />
    public string NewTokenId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _fill(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
