using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace Irsa.S3.Integrity;

/// <summary>One checksum computed incrementally over a body; the digest is big-endian, as S3 base64-encodes it.</summary>
public sealed class IncrementalChecksum : IDisposable
{
    private readonly IncrementalHash? _hash;
    private readonly Crc32? _crc32;
    private readonly ReflectedCrc? _crc;
    private ulong _register;

    public IncrementalChecksum(ChecksumAlgorithm algorithm)
    {
        Algorithm = algorithm;
        switch (algorithm)
        {
            case ChecksumAlgorithm.Crc32:
                _crc32 = new Crc32();
                break;
            case ChecksumAlgorithm.Crc32C:
                _crc = ReflectedCrc.Crc32C;
                break;
            case ChecksumAlgorithm.Crc64Nvme:
                _crc = ReflectedCrc.Crc64Nvme;
                break;
            case ChecksumAlgorithm.Sha1:
#pragma warning disable CA5350 // SHA-1 is an integrity checksum S3 clients choose, not a security decision.
                _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350
                break;
            default:
                _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                break;
        }

        _register = _crc?.Initial ?? 0;
    }

    public ChecksumAlgorithm Algorithm { get; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc32 is not null)
        {
            _crc32.Append(data);
        }
        else if (_crc is not null)
        {
            _register = _crc.Update(_register, data);
        }
        else
        {
            _hash!.AppendData(data);
        }
    }

    /// <summary>The digest of everything appended so far (big-endian for the CRCs).</summary>
    public byte[] GetCurrentDigest()
    {
        if (_crc32 is not null)
        {
            var digest = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(digest, _crc32.GetCurrentHashAsUInt32());
            return digest;
        }

        if (_crc is not null)
        {
            var value = _crc.Finish(_register);
            var digest = new byte[_crc.Width / 8];
            if (_crc.Width == 64)
            {
                BinaryPrimitives.WriteUInt64BigEndian(digest, value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(digest, (uint)value);
            }

            return digest;
        }

        return _hash!.GetCurrentHash();
    }

    /// <summary>The digest of <paramref name="data"/> in one call.</summary>
    public static byte[] Compute(ChecksumAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        using var checksum = new IncrementalChecksum(algorithm);
        checksum.Append(data);
        return checksum.GetCurrentDigest();
    }

    /// <summary>The digest of a whole stream, read incrementally with a bounded buffer.</summary>
    public static async Task<byte[]> ComputeAsync(ChecksumAlgorithm algorithm, Stream stream, CancellationToken cancellationToken = default)
    {
        using var checksum = new IncrementalChecksum(algorithm);
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            checksum.Append(buffer.AsSpan(0, read));
        }

        return checksum.GetCurrentDigest();
    }

    public void Dispose() => _hash?.Dispose();
}
