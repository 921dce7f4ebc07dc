using Irsa.S3.Protocol;

namespace Irsa.S3.Integrity;

/// <summary>
/// A request body as a read-only, forward-only stream that verifies itself while it is read: an integrity failure
/// throws <see cref="Core.Aws.AwsErrorException"/> before the final <c>Read</c> returns 0, so a handler that copies
/// the stream to a temporary blob never commits bytes that did not match. After end of stream it exposes what S3
/// needs to store: the MD5 (the ETag), the byte count and the checksums it computed.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "It is the request's payload first; being a Stream is how it is read.")]
public abstract class RequestPayload : Stream
{
    /// <summary>A fresh empty body.</summary>
    public static RequestPayload Empty => new VerifyingRequestPayload(Null, S3Headers.Empty, trailers: null, checksumHeadersDescribeBody: true);

    /// <summary>
    /// A plain (not aws-chunked) body: verifies <c>Content-MD5</c>, a hex <c>x-amz-content-sha256</c> and an
    /// <c>x-amz-checksum-*</c> header. Malformed headers throw here (InvalidDigest, InvalidRequest).
    /// </summary>
    /// <param name="body">The raw body.</param>
    /// <param name="headers">The request headers.</param>
    /// <param name="checksumHeadersDescribeBody">
    /// The resolved operation's <see cref="Operations.S3Operation.ChecksumHeadersDescribeBody"/>: false for
    /// CompleteMultipartUpload, whose <c>x-amz-checksum-*</c> header is the assembled object's checksum.
    /// </param>
    public static RequestPayload ForBody(Stream body, S3Headers headers, bool checksumHeadersDescribeBody = true) =>
        new VerifyingRequestPayload(body, headers, trailers: null, checksumHeadersDescribeBody);

    /// <summary>
    /// The decoded bytes of an aws-chunked body (the host's framing decoder has checked chunk signatures): verifies
    /// <c>Content-MD5</c>, an <c>x-amz-checksum-*</c> header, and the checksum trailer named by <c>x-amz-trailer</c>,
    /// whose value <paramref name="trailers"/> returns once <paramref name="decoded"/> has reached its end.
    /// </summary>
    public static RequestPayload ForDecodedChunks(Stream decoded, S3Headers headers,
        Func<IReadOnlyList<KeyValuePair<string, string>>> trailers) => new VerifyingRequestPayload(decoded, headers, trailers, checksumHeadersDescribeBody: true);

    /// <summary>A body held in memory (small XML or JSON documents, tests).</summary>
    public static RequestPayload FromBytes(byte[] body, S3Headers? headers = null) =>
        new VerifyingRequestPayload(new MemoryStream(body, writable: false), headers ?? S3Headers.Empty, trailers: null, checksumHeadersDescribeBody: true);

    /// <summary>True once the end of the body was reached and every check passed.</summary>
    public abstract bool IsComplete { get; }

    /// <summary>Bytes read so far (the object size once <see cref="IsComplete"/>).</summary>
    public abstract long BytesRead { get; }

    /// <summary>The MD5 digest of the whole body; only after <see cref="IsComplete"/>.</summary>
    public abstract byte[] Md5 { get; }

    /// <summary>The algorithm the client sent a value for (header or trailer), already verified; null when none.</summary>
    public abstract ChecksumAlgorithm? ClientChecksum { get; }

    /// <summary>The algorithm the client named in <c>x-amz-sdk-checksum-algorithm</c>, if any.</summary>
    public abstract ChecksumAlgorithm? SdkChecksumAlgorithm { get; }

    /// <summary>Asks for another checksum to be computed; only before the first read.</summary>
    public abstract void AlsoCompute(ChecksumAlgorithm algorithm);

    /// <summary>The digest of <paramref name="algorithm"/> over the whole body, if it was computed; only after <see cref="IsComplete"/>.</summary>
    public abstract byte[]? Digest(ChecksumAlgorithm algorithm);

    /// <summary>
    /// Copies the rest of the body into <paramref name="destination"/> and verifies it, hashing on other threads while
    /// it receives and writes (bounded buffers). Returns once every check passed; an integrity failure throws after
    /// the bytes were written but before this returns, so the caller must treat the destination as unverified until
    /// then. More than <paramref name="maxBytes"/> bytes is EntityTooLarge, thrown as soon as the limit is passed.
    /// </summary>
    public abstract Task CopyVerifiedToAsync(Stream destination, long maxBytes, CancellationToken cancellationToken);

    public sealed override bool CanRead => true;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => false;

    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public sealed override void Flush()
    {
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Reads the whole (small) body into memory, bounded by <paramref name="maxBytes"/>; null when larger.</summary>
    public async Task<byte[]?> ReadBoundedAsync(int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
