using System.Globalization;
using System.Reflection;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Irsa.SigV4.Streaming;
using static Irsa.SigV4.Tests.VerifierTestKit;

namespace Irsa.SigV4.Tests.Streaming;

/// <summary>
/// The AWS SDK for .NET as the client: its signer signs the request and its own <c>ChunkedUploadWrapperStream</c>
/// frames and signs the body (upper-case hex, 81920-byte chunks, signed CRC32 trailer), exactly what it sends S3.
/// </summary>
public sealed class AwsSdkChunkedOracleTests
{
    private const string Crc32 = "x-amz-checksum-crc32";

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(81920, false)]
    [InlineData(200_001, false)]
    [InlineData(0, true)]
    [InlineData(200_001, true)]
    public async Task SdkChunkedUpload_Decodes(int size, bool withTrailer)
    {
        var payload = new byte[size];
        new Random(size).NextBytes(payload);

        var (request, body) = SdkUpload(payload, withTrailer);
        var result = await Verify(request);
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.True(result.Identity!.StreamingContext is not null, string.Join("\n", request.Headers));
        Assert.Equal(withTrailer ? SigV4StreamingMode.SignedPayloadTrailer : SigV4StreamingMode.SignedPayload, result.Identity.StreamingContext.Mode);
        Assert.Equal(size, result.Identity.StreamingContext.DecodedContentLength);
        var outcome = await StreamingTestKit.Decode(body, result.Identity!.StreamingContext!);

        Assert.Null(outcome.Error);
        Assert.Equal(payload, outcome.Data);
        if (withTrailer)
        {
            Assert.Equal([new(Crc32, ChunkedBodyEncoder.Crc32Base64(payload))], outcome.Trailers!);
        }
    }

    [Fact]
    public async Task SdkChunkedUpload_TamperedByte_SignatureDoesNotMatch()
    {
        var payload = new byte[100_000];
        var (request, body) = SdkUpload(payload, withTrailer: true);
        var context = (await Verify(request)).Identity!.StreamingContext!;
        body[body.Length / 2] ^= 0x20;

        await StreamingTestKit.AssertRejected(body, context, "SignatureDoesNotMatch");
    }

    private static (SigV4Request Request, byte[] Body) SdkUpload(byte[] payload, bool withTrailer)
    {
        var sdkRequest = new DefaultRequest(new OracleRequest(), "s3")
        {
            HttpMethod = "PUT",
            Endpoint = new Uri("https://s3.irsa.local"),
            ResourcePath = "/bucket/key",
        };
        var trailers = withTrailer ? new Dictionary<string, string> { [Crc32] = string.Empty } : null;
        var checksum = withTrailer ? CoreChecksumAlgorithm.CRC32 : CoreChecksumAlgorithm.NONE;
        var encodedLength = ChunkedUploadWrapperStream.ComputeChunkedContentLength(payload.Length, 64, trailers, checksum);

        // As the SDK's S3 client prepares a chunked PutObject: the signer then sets x-amz-content-sha256,
        // x-amz-decoded-content-length and the encoded Content-Length itself.
        sdkRequest.UseChunkEncoding = true;
        sdkRequest.ContentStream = new MemoryStream(payload);
        sdkRequest.Headers["Content-Encoding"] = "aws-chunked";
        sdkRequest.Headers["Content-Length"] = payload.Length.ToString(CultureInfo.InvariantCulture);
        if (withTrailer)
        {
            sdkRequest.SelectedChecksum = checksum;
            sdkRequest.TrailingHeaders[Crc32] = string.Empty;
            sdkRequest.Headers["x-amz-trailer"] = Crc32;
        }

        var signing = new AWS4Signer().SignRequest(
            sdkRequest, AwsSdkOracleTests.OracleConfig.Create("us-east-1", "s3"), null, AccessKeyId, Secret, Now.UtcDateTime);
        sdkRequest.Headers["Authorization"] = signing.ForAuthorizationHeader;

        using var chunked = withTrailer
            ? new ChunkedUploadWrapperStream(new MemoryStream(payload), 8192, signing, checksum, trailers, new CachedChecksum { OnComplete = _ => { } })
            : PlainChunkedStream(new MemoryStream(payload), signing);
        var body = new MemoryStream();
        chunked.CopyTo(body);
        Assert.Equal(encodedLength, body.Length);

        var headers = sdkRequest.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToList();
        if (!headers.Exists(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Host", "s3.irsa.local"));
        }

        return (new SigV4Request("PUT", "/bucket/key", null, headers, SigV4Payload.Deferred()), body.ToArray());
    }

    private sealed class OracleRequest : AmazonWebServiceRequest;

    /// <summary>The SDK's stream without trailers: its S3 client reaches that constructor internally, so do we.</summary>
    private static ChunkedUploadWrapperStream PlainChunkedStream(Stream payload, AWSSigningResultBase signing)
    {
        var constructor = typeof(ChunkedUploadWrapperStream).GetConstructor(
            BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [typeof(Stream), typeof(int), typeof(AWSSigningResultBase)]);
        return (ChunkedUploadWrapperStream)constructor!.Invoke([payload, 8192, signing]);
    }
}
