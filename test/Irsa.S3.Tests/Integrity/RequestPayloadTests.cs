using System.Text;
using Irsa.Core.Aws;
using Irsa.S3.Integrity;
using Irsa.S3.Protocol;
using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Integrity;

public sealed class RequestPayloadTests
{
    private static readonly byte[] Body = Encoding.ASCII.GetBytes("hello world");

    private static S3Headers Headers(params (string Name, string Value)[] headers) =>
        new(headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)));

    /// <summary>Reads to the end the way a handler does, returning what the final read would have returned.</summary>
    private static async Task<AwsError?> DrainAsync(RequestPayload payload)
    {
        var buffer = new byte[4];
        try
        {
            while (await payload.ReadAsync(buffer) > 0)
            {
            }

            return null;
        }
        catch (AwsErrorException e)
        {
            return e.Error;
        }
    }

    [Fact]
    public async Task A_plain_body_exposes_md5_size_and_the_claimed_checksum_after_eof()
    {
        var payload = RequestPayload.ForBody(new MemoryStream(Body), Headers(
            ("Content-MD5", TestData.Md5Base64(Body)), ("x-amz-content-sha256", TestData.Sha256Hex(Body)), ("x-amz-checksum-crc32", "DUoRhQ==")));
        Assert.Null(await DrainAsync(payload));
        Assert.True(payload.IsComplete);
        Assert.Equal(Body.Length, payload.BytesRead);
        Assert.Equal(TestData.Md5Hex(Body), Convert.ToHexStringLower(payload.Md5));
        Assert.Equal(ChecksumAlgorithm.Crc32, payload.ClientChecksum);
        Assert.Equal("DUoRhQ==", Convert.ToBase64String(payload.Digest(ChecksumAlgorithm.Crc32)!));
    }

    [Fact]
    public async Task A_wrong_content_md5_is_BadDigest_with_both_digests()
    {
        var wrong = TestData.Md5Base64(Encoding.ASCII.GetBytes("other"));
        var error = await DrainAsync(RequestPayload.ForBody(new MemoryStream(Body), Headers(("Content-MD5", wrong))));
        Assert.Equal("BadDigest", error?.Code);
        Assert.Contains(new KeyValuePair<string, string>("ExpectedDigest", wrong), error!.Details);
        Assert.Contains(new KeyValuePair<string, string>("CalculatedDigest", TestData.Md5Base64(Body)), error.Details);
    }

    [Fact]
    public void A_malformed_content_md5_is_InvalidDigest()
    {
        var error = Assert.Throws<AwsErrorException>(() => RequestPayload.ForBody(new MemoryStream(Body), Headers(("Content-MD5", "not-base64!"))));
        Assert.Equal("InvalidDigest", error.Error.Code);
    }

    [Fact]
    public async Task A_wrong_content_sha256_is_XAmzContentSHA256Mismatch()
    {
        var claimed = TestData.Sha256Hex(Encoding.ASCII.GetBytes("other"));
        var error = await DrainAsync(RequestPayload.ForBody(new MemoryStream(Body), Headers(("x-amz-content-sha256", claimed))));
        Assert.Equal("XAmzContentSHA256Mismatch", error?.Code);
        Assert.Equal(400, error!.StatusCode);
        Assert.Contains(new KeyValuePair<string, string>("S3ComputedContentSHA256", TestData.Sha256Hex(Body)), error.Details);
    }

    [Fact]
    public async Task Unsigned_payload_is_not_a_hash_to_verify() =>
        Assert.Null(await DrainAsync(RequestPayload.ForBody(new MemoryStream(Body), Headers(("x-amz-content-sha256", "UNSIGNED-PAYLOAD")))));

    [Fact]
    public async Task A_wrong_checksum_header_fails_before_the_final_read_returns_zero()
    {
        var payload = RequestPayload.ForBody(new MemoryStream(Body), Headers(("x-amz-checksum-crc32", "AAAAAA==")));
        var buffer = new byte[Body.Length];
        await payload.ReadExactlyAsync(buffer);
        var error = await Assert.ThrowsAsync<AwsErrorException>(async () => Assert.Equal(0, await payload.ReadAsync(buffer)));
        Assert.Equal("BadDigest", error.Error.Code);
        Assert.Equal("The CRC32 you specified did not match the calculated checksum.", error.Error.Message);
        Assert.False(payload.IsComplete);
    }

    [Theory]
    [InlineData("x-amz-checksum-sha256", "DUoRhQ==")] // a CRC32-sized value for SHA-256
    [InlineData("x-amz-checksum-crc32", "%%%")]
    public void A_malformed_checksum_value_is_InvalidRequest(string header, string value)
    {
        var error = Assert.Throws<AwsErrorException>(() => RequestPayload.ForBody(new MemoryStream(Body), Headers((header, value))));
        Assert.Equal("InvalidRequest", error.Error.Code);
    }

    [Fact]
    public void An_sdk_algorithm_that_disagrees_with_the_header_is_InvalidRequest()
    {
        var error = Assert.Throws<AwsErrorException>(() => RequestPayload.ForBody(new MemoryStream(Body),
            Headers(("x-amz-sdk-checksum-algorithm", "SHA256"), ("x-amz-checksum-crc32", "DUoRhQ=="))));
        Assert.Equal("Value for x-amz-sdk-checksum-algorithm header is invalid.", error.Error.Message);
    }

    [Fact]
    public void Two_checksum_headers_are_refused() =>
        Assert.Throws<AwsErrorException>(() => RequestPayload.ForBody(new MemoryStream(Body),
            Headers(("x-amz-checksum-crc32", "DUoRhQ=="), ("x-amz-checksum-crc32c", "AAAAAA=="))));

    [Fact]
    public async Task A_trailer_checksum_is_read_after_eof_and_verified()
    {
        var trailersRead = false;
        var good = RequestPayload.ForDecodedChunks(new MemoryStream(Body), Headers(("x-amz-trailer", "x-amz-checksum-crc32")), () =>
        {
            trailersRead = true;
            return [new("x-amz-checksum-crc32", "DUoRhQ==")];
        });
        Assert.Null(await DrainAsync(good));
        Assert.True(trailersRead);
        Assert.Equal(ChecksumAlgorithm.Crc32, good.ClientChecksum);

        var bad = RequestPayload.ForDecodedChunks(new MemoryStream(Body), Headers(("x-amz-trailer", "x-amz-checksum-crc32")),
            () => [new("x-amz-checksum-crc32", "AAAAAA==")]);
        Assert.Equal("BadDigest", (await DrainAsync(bad))?.Code);

        var missing = RequestPayload.ForDecodedChunks(new MemoryStream(Body), Headers(("x-amz-trailer", "x-amz-checksum-crc32")), () => []);
        Assert.Equal("InvalidRequest", (await DrainAsync(missing))?.Code);
    }

    [Fact]
    public async Task It_is_a_forward_only_read_only_stream()
    {
        var payload = RequestPayload.FromBytes(Body);
        Assert.False(payload.CanSeek);
        Assert.False(payload.CanWrite);
        Assert.Throws<NotSupportedException>(() => payload.Seek(0, SeekOrigin.Begin));
        Assert.Throws<InvalidOperationException>(() => payload.Md5);
        await DrainAsync(payload);
        Assert.Throws<InvalidOperationException>(() => payload.AlsoCompute(ChecksumAlgorithm.Sha1));
    }
}
