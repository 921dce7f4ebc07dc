namespace Irsa.S3.Integrity;

/// <summary>
/// A table-driven reflected CRC (init and xorout all ones) of width 32 or 64 bits.
/// </summary>
/// <remarks>
/// Note: System.IO.Hashing 10.0 only ships CRC-32 (IEEE) and the non-reflected CRC-64/ECMA-182, so CRC-32C
/// (Castagnoli) and CRC-64/NVME, which S3 uses, are computed here; CRC-32 itself uses the library's vectorised
/// implementation.
/// </remarks>
internal sealed class ReflectedCrc
{
    /// <summary>CRC-32C, reflected polynomial 0x82F63B78.</summary>
    public static readonly ReflectedCrc Crc32C = new(0x82F63B78UL, 32);

    /// <summary>CRC-64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5.</summary>
    public static readonly ReflectedCrc Crc64Nvme = new(0x9A6C9329AC4BC9B5UL, 64);

    private readonly ulong[] _table = new ulong[256];
    private readonly ulong _mask;

    private ReflectedCrc(ulong reflectedPolynomial, int width)
    {
        Width = width;
        _mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        for (var i = 0; i < 256; i++)
        {
            var crc = (ulong)i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ reflectedPolynomial : crc >> 1;
            }

            _table[i] = crc;
        }
    }

    public int Width { get; }

    /// <summary>The register before any byte (all ones).</summary>
    public ulong Initial => _mask;

    public ulong Update(ulong register, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            register = _table[(byte)(register ^ b)] ^ (register >> 8);
        }

        return register;
    }

    public ulong Finish(ulong register) => register ^ _mask;
}
