using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Irsa.SigV4.Tests.Streaming;

/// <summary>
/// A client-side aws-chunked encoder written from the AWS documentation, independent of the library's code, so the
/// decoder is checked against a second implementation. It can also emit bodies a real client never would (wrong
/// case, forged trailers) through its knobs.
/// </summary>
internal sealed class ChunkedBodyEncoder
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly byte[] _signingKey;
    private readonly string _amzDate;
    private readonly string _scope;

    public ChunkedBodyEncoder(string secret, string amzDate, string region, string service)
    {
        _amzDate = amzDate;
        var date = amzDate[..8];
        _scope = $"{date}/{region}/{service}/aws4_request";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        _signingKey = Hmac(key, "aws4_request");
    }

    /// <summary>Upper-case hex sizes, as the .NET SDK writes them.</summary>
    public bool UpperCaseSizes { get; init; }

    /// <summary>One frame: size line, data and CRLF (for the final chunk: its size line only).</summary>
    public sealed record Frame(string Header, byte[] Data, string Signature, bool Final)
    {
        public byte[] ToBytes() => Final
            ? Encoding.ASCII.GetBytes(Header + "\r\n")
            : [.. Encoding.ASCII.GetBytes(Header + "\r\n"), .. Data, .. "\r\n"u8];
    }

    /// <summary>Signed chunks (and the zero chunk), chained from <paramref name="seed"/>.</summary>
    public List<Frame> SignedFrames(byte[] payload, int chunkSize, string seed)
    {
        var frames = new List<Frame>();
        var previous = seed;
        foreach (var data in Split(payload, chunkSize).Append([]))
        {
            var signature = ChunkSignature(previous, data);
            frames.Add(new($"{Size(data.Length)};chunk-signature={signature}", data, signature, data.Length == 0));
            previous = signature;
        }

        return frames;
    }

    public List<Frame> UnsignedFrames(byte[] payload, int chunkSize) =>
        Split(payload, chunkSize).Append([]).Select(d => new Frame(Size(d.Length), d, string.Empty, d.Length == 0)).ToList();

    public string ChunkSignature(string previous, byte[] data) => Sign(string.Join(
        '\n', "AWS4-HMAC-SHA256-PAYLOAD", _amzDate, _scope, previous, EmptySha256, Convert.ToHexStringLower(SHA256.HashData(data))));

    /// <summary>The trailer signature over the canonical trailers (sorted "name:value\n" lines).</summary>
    public string TrailerSignature(string previous, IEnumerable<KeyValuePair<string, string>> trailers)
    {
        var canonical = string.Concat(trailers.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}:{t.Value}\n"));
        return Sign(string.Join(
            '\n', "AWS4-HMAC-SHA256-TRAILER", _amzDate, _scope, previous, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))));
    }

    /// <summary>A whole body: frames, then (trailer variants) trailer lines and the trailer signature, then the final CRLF.</summary>
    public static byte[] Body(IEnumerable<Frame> frames, IEnumerable<KeyValuePair<string, string>>? trailers = null, string? trailerSignature = null)
    {
        var body = new List<byte>();
        foreach (var frame in frames)
        {
            body.AddRange(frame.ToBytes());
        }

        foreach (var (name, value) in trailers ?? [])
        {
            body.AddRange(Encoding.ASCII.GetBytes($"{name}:{value}\r\n"));
        }

        if (trailerSignature is not null)
        {
            body.AddRange(Encoding.ASCII.GetBytes($"x-amz-trailer-signature:{trailerSignature}\r\n"));
        }

        body.AddRange("\r\n"u8.ToArray());
        return [.. body];
    }

    public static string Crc32Base64(byte[] data)
    {
        // Bitwise CRC-32 (IEEE, reflected 0xEDB88320), big-endian digest as S3 encodes it.
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        crc ^= 0xFFFFFFFFu;
        return Convert.ToBase64String([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
    }

    private static IEnumerable<byte[]> Split(byte[] payload, int chunkSize)
    {
        for (var offset = 0; offset < payload.Length; offset += chunkSize)
        {
            yield return payload[offset..Math.Min(payload.Length, offset + chunkSize)];
        }
    }

    private string Size(int length) => length.ToString(UpperCaseSizes ? "X" : "x", CultureInfo.InvariantCulture);

    private string Sign(string stringToSign) => Convert.ToHexStringLower(Hmac(_signingKey, stringToSign));

    private static byte[] Hmac(byte[] key, string text) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text));
}
