using System.Globalization;
using Irsa.SigV4.Streaming;
using static Irsa.SigV4.Tests.VerifierTestKit;

namespace Irsa.SigV4.Tests.Streaming;

/// <summary>Verified streaming requests, their encoders, and readers that record how a decode ended.</summary>
internal static class StreamingTestKit
{
    public static readonly string AmzDate = Now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static ChunkedBodyEncoder Encoder(bool upperCaseSizes = false) =>
        new(Secret, AmzDate, "us-east-1", "s3") { UpperCaseSizes = upperCaseSizes };

    /// <summary>Signs an S3 PUT with our signer, verifies it, and returns the seed signature and streaming context.</summary>
    public static async Task<(string Seed, SigV4StreamingContext Context)> VerifiedPut(
        string contentSha256, long? decodedLength, string? trailer = null)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Host", "s3.irsa.local"), new("Content-Encoding", "aws-chunked") };
        if (decodedLength is { } length)
        {
            headers.Add(new("X-Amz-Decoded-Content-Length", length.ToString(CultureInfo.InvariantCulture)));
        }

        if (trailer is not null)
        {
            headers.Add(new("X-Amz-Trailer", trailer));
        }

        var request = new SigV4Request("PUT", "/bucket/key", null, headers, SigV4Payload.Deferred());
        var signed = SigV4Signer.Sign(request, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "s3", Now,
            new SigV4SigningOptions { PayloadHash = contentSha256 });
        var result = await Verify(WithHeaders(request, signed.HeadersToAdd));
        Assert.True(result.Succeeded, result.Error?.Message);
        return (signed.Signature, result.Identity!.StreamingContext!);
    }

    /// <summary>How a decode ended: the bytes, and the error if it failed. Asserts a failed decode never saw EOF.</summary>
    public sealed record Outcome(byte[] Data, AwsChunkedException? Error, IReadOnlyList<KeyValuePair<string, string>>? Trailers);

    public static async Task<Outcome> Decode(
        byte[] body, SigV4StreamingContext context, bool useAsync = true, int readSize = 8192, int pieceSize = int.MaxValue,
        AwsChunkedStreamOptions? options = null) =>
        await Decode(new PieceStream(body, pieceSize), context, useAsync, readSize, options);

    public static async Task<Outcome> Decode(
        Stream raw, SigV4StreamingContext context, bool useAsync = true, int readSize = 8192, AwsChunkedStreamOptions? options = null)
    {
        using var stream = new AwsChunkedStream(raw, context, options);
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        try
        {
            while (true)
            {
                var read = useAsync ? await stream.ReadAsync(buffer) : stream.Read(buffer, 0, buffer.Length);
                if (read == 0)
                {
                    Assert.True(stream.Completed);
                    return new(output.ToArray(), null, stream.Trailers);
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (AwsChunkedException e)
        {
            Assert.False(stream.Completed);
            Assert.Throws<InvalidOperationException>(() => stream.Trailers);

            // A failed stream stays failed: it never reports the end of a bad body afterwards.
            var again = await Assert.ThrowsAsync<AwsChunkedException>(async () => _ = await stream.ReadAsync(buffer));
            Assert.Equal(e.Error, again.Error);
            return new(output.ToArray(), e, null);
        }
    }

    public static async Task<AwsChunkedException> AssertRejected(byte[] body, SigV4StreamingContext context, string code, bool useAsync = true)
    {
        var outcome = await Decode(body, context, useAsync);
        Assert.NotNull(outcome.Error);
        Assert.Equal(code, outcome.Error.Error.Code);
        return outcome.Error;
    }

    /// <summary>A read-only stream that hands out its bytes at most <c>pieceSize</c> at a time (network-like).</summary>
    public sealed class PieceStream(byte[] data, int pieceSize) : Stream
    {
        private int _position;

        public long BytesRead => _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, pieceSize), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A body that never ends: a prefix, then the same byte forever. Counts what was taken from it.</summary>
    public sealed class EndlessStream(byte[] prefix, byte filler) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++)
            {
                buffer[offset + i] = BytesRead + i < prefix.Length ? prefix[BytesRead + i] : filler;
            }

            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
