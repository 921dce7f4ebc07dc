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
/// the process and reseeds itself from the kernel. It still asks the kernel for the process id on every call (its fork
/// check), so ids draw their random bits from a small per-thread pool of its output, filled 32 ids at a time. The pool
/// serves ids only, which are public once made; keys and secrets take their bytes from the generator directly.
/// </remarks>
public static class Uuid
{
    private const int PoolLength = 512;

    [ThreadStatic]
    private static byte[]? s_pool;

    [ThreadStatic]
    private static int s_used;

    /// <summary>A random (version 4) UUID.</summary>
    public static Guid NewVersion4()
    {
        Span<byte> bytes = stackalloc byte[16];
        TakeRandom(bytes);
        return WithVersion(bytes, 4);
    }

    /// <summary>
    /// A time-ordered (version 7) UUID: the Unix time in milliseconds, then 74 random bits. Ids made later sort after
    /// (to the millisecond), so an index on them grows at its end.
    /// </summary>
    public static Guid NewVersion7(DateTimeOffset? time = null)
    {
        Span<byte> bytes = stackalloc byte[16];
        TakeRandom(bytes[6..]);
        var milliseconds = (time ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        Span<byte> timestamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(timestamp, milliseconds);
        timestamp[2..].CopyTo(bytes);
        return WithVersion(bytes, 7);
    }

    /// <summary>Fills <paramref name="destination"/> with pool bytes no id has used, refilling the pool when it runs out.</summary>
    private static void TakeRandom(Span<byte> destination)
    {
        var pool = s_pool;
        if (pool is null || PoolLength - s_used < destination.Length)
        {
            pool = s_pool ??= new byte[PoolLength];
            RandomNumberGenerator.Fill(pool);
            s_used = 0;
        }

        var taken = pool.AsSpan(s_used, destination.Length);
        taken.CopyTo(destination);
        taken.Clear();
        s_used += destination.Length;
    }

    private static Guid WithVersion(Span<byte> bytes, int version)
    {
        bytes[6] = (byte)((version << 4) | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // The RFC 9562 variant, 10xx.
        return new Guid(bytes, bigEndian: true);
    }
}
