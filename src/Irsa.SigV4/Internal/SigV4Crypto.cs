using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Irsa.SigV4;

/// <summary>The SigV4 key derivation and signature computation, on one-shot HMAC/SHA-256 APIs and stack buffers.</summary>
internal static class SigV4Crypto
{
    public const int KeySize = 32;

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static void DeriveSigningKey(string secret, string date, string region, string service, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(secret.Length) + 4;
        byte[]? rented = null;
        var secretBytes = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            "AWS4"u8.CopyTo(secretBytes);
            var length = 4 + Encoding.UTF8.GetBytes(secret, secretBytes[4..]);
            Span<byte> key = stackalloc byte[KeySize];
            HmacText(secretBytes[..length], date, key);
            HmacText(key, region, key);
            HmacText(key, service, key);
            HmacText(key, SigV4Constants.Terminator, destination);
            CryptographicOperations.ZeroMemory(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretBytes);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Hex SHA-256 of the UTF-8 encoding of <paramref name="text"/>, written as 64 lower-case chars.</summary>
    public static void Sha256Hex(ReadOnlySpan<char> text, Span<char> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var bytes = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var count = Encoding.UTF8.GetBytes(text, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..count], hash);
            Convert.TryToHexStringLower(hash, destination, out _);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes the string to sign: algorithm, timestamp, scope and the canonical request hash.</summary>
    public static int WriteStringToSign(Span<char> destination, string amzDate, string scope, ReadOnlySpan<char> canonicalRequestHash)
    {
        var written = 0;
        Write(destination, ref written, SigV4Constants.Algorithm);
        Write(destination, ref written, "\n");
        Write(destination, ref written, amzDate);
        Write(destination, ref written, "\n");
        Write(destination, ref written, scope);
        Write(destination, ref written, "\n");
        Write(destination, ref written, canonicalRequestHash);
        return written;
    }

    public static int StringToSignLength(string amzDate, string scope) =>
        SigV4Constants.Algorithm.Length + amzDate.Length + scope.Length + 64 + 3;

    public static void HmacText(ReadOnlySpan<byte> key, ReadOnlySpan<char> text, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var bytes = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var count = Encoding.UTF8.GetBytes(text, bytes);
            HMACSHA256.HashData(key, bytes[..count], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void Write(Span<char> destination, ref int written, ReadOnlySpan<char> text)
    {
        text.CopyTo(destination[written..]);
        written += text.Length;
    }
}
