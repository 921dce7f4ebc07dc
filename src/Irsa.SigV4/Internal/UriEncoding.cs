using System.Buffers;
using System.Text;

namespace Irsa.SigV4;

/// <summary>RFC 3986 encoding as SigV4 defines it: every byte except unreserved characters becomes <c>%XX</c> (upper-case hex).</summary>
internal static class UriEncoding
{
    private const string HexUpper = "0123456789ABCDEF";

    public static bool IsUnreserved(byte b) =>
        (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    /// <summary>Encodes the UTF-8 bytes of <paramref name="text"/>, optionally decoding <c>%XX</c> first (encode-once semantics).</summary>
    public static void Append(ref CharBuffer buffer, ReadOnlySpan<char> text, bool decodeFirst, bool keepSlash)
    {
        if (!decodeFirst && IsAllUnreserved(text, keepSlash))
        {
            // Fast path: the common ASCII case needs no byte round-trip.
            buffer.Append(text);
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var bytes = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var count = Encoding.UTF8.GetBytes(text, bytes);
            if (decodeFirst)
            {
                count = PercentDecodeInPlace(bytes[..count]);
            }

            AppendBytes(ref buffer, bytes[..count], keepSlash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Encodes text to a new string (used for query parameters, which must be sorted after encoding).</summary>
    public static string Encode(ReadOnlySpan<char> text, bool decodeFirst)
    {
        var buffer = new CharBuffer(Math.Max(16, text.Length * 3));
        try
        {
            Append(ref buffer, text, decodeFirst, keepSlash: false);
            return buffer.ToString();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Decodes <c>%XX</c> sequences to a string ('+' stays literal; malformed escapes are kept as-is).</summary>
    public static string Decode(ReadOnlySpan<char> text)
    {
        if (!text.Contains('%'))
        {
            return text.ToString();
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToArray());
        var count = PercentDecodeInPlace(bytes);
        return Encoding.UTF8.GetString(bytes, 0, count);
    }

    private static void AppendBytes(ref CharBuffer buffer, scoped ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        Span<char> escape = stackalloc char[3];
        escape[0] = '%';
        foreach (var b in bytes)
        {
            if (IsUnreserved(b) || (keepSlash && b == '/'))
            {
                buffer.Append((char)b);
            }
            else
            {
                escape[1] = HexUpper[b >> 4];
                escape[2] = HexUpper[b & 0xF];
                buffer.Append(escape);
            }
        }
    }

    private static bool IsAllUnreserved(ReadOnlySpan<char> text, bool keepSlash)
    {
        foreach (var c in text)
        {
            if (c > 0x7F || !(IsUnreserved((byte)c) || (keepSlash && c == '/')))
            {
                return false;
            }
        }

        return true;
    }

    private static int PercentDecodeInPlace(Span<byte> bytes)
    {
        var write = 0;
        for (var read = 0; read < bytes.Length; read++)
        {
            var b = bytes[read];
            if (b == '%' && read + 2 < bytes.Length
                && HexValue(bytes[read + 1]) is var hi and >= 0 && HexValue(bytes[read + 2]) is var lo and >= 0)
            {
                bytes[write++] = (byte)((hi << 4) | lo);
                read += 2;
            }
            else
            {
                bytes[write++] = b;
            }
        }

        return write;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
