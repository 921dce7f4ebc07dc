using System.Security.Cryptography;
using Irsa.Core.Aws;
using Irsa.S3.Integrity;
using Irsa.S3.Protocol;
using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Integrity;

/// <summary>The copy a PUT makes: hashes computed beside the write must verify exactly what reading would verify.</summary>
public sealed class CopyVerifiedToTests
{
    // Many segments and a ragged end, so bytes cross segment boundaries.
    private static readonly byte[] Body = RandomNumberGenerator.GetBytes((3 * TestData.MiB) + 12345);

    private static S3Headers Headers(params (string Name, string Value)[] headers) =>
        new(headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)));

    private static string Crc32CBase64(byte[] data) => Convert.ToBase64String(IncrementalChecksum.Compute(ChecksumAlgorithm.Crc32C, data));

    [Fact]
    public async Task Bytes_arrive_in_order_and_every_digest_matches_the_body()
    {
        var payload = RequestPayload.ForBody(new TricklingStream(Body, 7919), Headers(
            ("Content-MD5", TestData.Md5Base64(Body)), ("x-amz-content-sha256", TestData.Sha256Hex(Body)),
            ("x-amz-checksum-crc32c", Crc32CBase64(Body))));
        payload.AlsoCompute(ChecksumAlgorithm.Sha256);
        using var destination = new MemoryStream();

        await payload.CopyVerifiedToAsync(destination, long.MaxValue, CancellationToken.None);

        Assert.Equal(Body, destination.ToArray());
        Assert.True(payload.IsComplete);
        Assert.Equal(Body.Length, payload.BytesRead);
        Assert.Equal(TestData.Md5Hex(Body), Convert.ToHexStringLower(payload.Md5));
        Assert.Equal(SHA256.HashData(Body), payload.Digest(ChecksumAlgorithm.Sha256));
        Assert.Equal(ChecksumAlgorithm.Crc32C, payload.ClientChecksum);
    }

    [Fact]
    public async Task An_empty_body_is_complete_with_the_empty_md5()
    {
        var payload = RequestPayload.ForBody(new MemoryStream(), Headers(("Content-MD5", TestData.Md5Base64([]))));
        using var destination = new MemoryStream();
        await payload.CopyVerifiedToAsync(destination, long.MaxValue, CancellationToken.None);
        Assert.Equal(0, destination.Length);
        Assert.Equal(TestData.Md5Hex([]), Convert.ToHexStringLower(payload.Md5));
    }

    [Theory]
    [InlineData("Content-MD5", "BadDigest")]
    [InlineData("x-amz-content-sha256", "XAmzContentSHA256Mismatch")]
    [InlineData("x-amz-checksum-crc32c", "BadDigest")]
    public async Task A_digest_that_does_not_match_throws_before_the_copy_returns(string header, string code)
    {
        var other = RandomNumberGenerator.GetBytes(16);
        var claimed = header switch
        {
            "Content-MD5" => TestData.Md5Base64(other),
            "x-amz-content-sha256" => TestData.Sha256Hex(other),
            _ => Crc32CBase64(other),
        };
        var payload = RequestPayload.ForBody(new MemoryStream(Body), Headers((header, claimed)));

        var error = await Assert.ThrowsAsync<AwsErrorException>(() => payload.CopyVerifiedToAsync(Stream.Null, long.MaxValue, CancellationToken.None));

        Assert.Equal(code, error.Error.Code);
        Assert.False(payload.IsComplete);
    }

    [Fact]
    public async Task Passing_the_limit_is_EntityTooLarge_with_the_size_read_so_far()
    {
        var payload = RequestPayload.ForBody(new TricklingStream(Body, 1000), S3Headers.Empty);
        var error = await Assert.ThrowsAsync<AwsErrorException>(() => payload.CopyVerifiedToAsync(Stream.Null, 2500, CancellationToken.None));
        Assert.Equal("EntityTooLarge", error.Error.Code);
        Assert.Contains(new KeyValuePair<string, string>("ProposedSize", "3000"), error.Error.Details);
        Assert.Contains(new KeyValuePair<string, string>("MaxSizeAllowed", "2500"), error.Error.Details);
    }

    [Fact]
    public async Task A_failing_write_is_the_error_and_stops_the_read()
    {
        // Larger than all the segments together: the reader can only have finished if it ignored the failure.
        var source = new TricklingStream(new byte[16 * TestData.MiB], 64 * 1024);
        var payload = RequestPayload.ForBody(source, S3Headers.Empty);

        var error = await Assert.ThrowsAsync<IOException>(() => payload.CopyVerifiedToAsync(new FullDisk(), long.MaxValue, CancellationToken.None));

        Assert.Equal("No space left on device", error.Message);
        Assert.True(source.Position < source.Length, "the body was read to its end after the write failed");
    }

    [Fact]
    public async Task A_failing_read_is_the_error()
    {
        var forged = new AwsError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", 403);
        var payload = RequestPayload.ForBody(new TricklingStream(Body, 100_000) { FailAt = 2 * TestData.MiB, Failure = new AwsErrorException(forged) },
            S3Headers.Empty);
        var error = await Assert.ThrowsAsync<AwsErrorException>(() => payload.CopyVerifiedToAsync(Stream.Null, long.MaxValue, CancellationToken.None));
        Assert.Same(forged, error.Error);
    }

    [Fact]
    public async Task A_cancelled_copy_is_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var source = new TricklingStream(Body, 100_000) { OnRead = position => CancelPast(position, cancellation) };
        var payload = RequestPayload.ForBody(source, S3Headers.Empty);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => payload.CopyVerifiedToAsync(Stream.Null, long.MaxValue, cancellation.Token));
    }

    private static void CancelPast(long position, CancellationTokenSource cancellation)
    {
        if (position > TestData.MiB)
        {
            cancellation.Cancel();
        }
    }

    /// <summary>A body that arrives a few bytes at a time, as a socket delivers it, and can fail midway.</summary>
    private sealed class TricklingStream(byte[] data, int step) : MemoryStream(data, writable: false)
    {
        public long FailAt { get; init; } = long.MaxValue;

        public Exception? Failure { get; init; }

        public Action<long>? OnRead { get; init; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (Position >= FailAt)
            {
                throw Failure!;
            }

            var read = await base.ReadAsync(buffer[..Math.Min(buffer.Length, step)], cancellationToken);
            OnRead?.Invoke(Position);
            return read;
        }
    }

    private sealed class FullDisk : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("No space left on device"));
    }
}
