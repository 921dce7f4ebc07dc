using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Irsa.Core.Security;

/// <summary>
/// RFC 9562 UUIDs from <see cref="RandomNumberGenerator"/>, for the ids made on every request (request, event and
/// audit ids, object uids).
/// </summary>
/// <remarks>
/// Why not <see cref="Guid.NewGuid"/> and <see cref="Guid.CreateVersion7()"/>: on Linux the runtime fills them by
/// reading <c>/dev/urandom</c>, one system call per id, and a system call is expensive on virtual machines (it was one
/// of the larger costs of an audited call). <see cref="RandomNumberGenerator"/> is OpenSSL's generator, which runs in
/// the process and reseeds itself from the kernel.
/// </remarks>
public static class Uuid
{
    /// <summary>A random (version 4) UUID.</summary>
    public static Guid NewVersion4()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return WithVersion(bytes, 4);
    }

    /// <summary>
    /// A time-ordered (version 7) UUID: the Unix time in milliseconds, then 74 random bits. Ids made later sort after
    /// (to the millisecond), so an index on them grows at its end.
    /// </summary>
    public static Guid NewVersion7(DateTimeOffset? time = null)
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[6..]);
        var milliseconds = (time ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        Span<byte> timestamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(timestamp, milliseconds);
        timestamp[2..].CopyTo(bytes);
        return WithVersion(bytes, 7);
    }

    private static Guid WithVersion(Span<byte> bytes, int version)
    {
        bytes[6] = (byte)((version << 4) | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // The RFC 9562 variant, 10xx.
        return new Guid(bytes, bigEndian: true);
    }
}
