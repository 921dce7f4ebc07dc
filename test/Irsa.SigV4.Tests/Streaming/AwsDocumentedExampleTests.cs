using System.Text;
using Irsa.SigV4.Streaming;
using Microsoft.Extensions.Time.Testing;
using static Irsa.SigV4.Tests.VerifierTestKit;

namespace Irsa.SigV4.Tests.Streaming;

/// <summary>
/// AWS's worked example of a chunked upload (S3 API reference, "Signature Calculations for the Authorization Header:
/// Transferring Payload in Multiple Chunks"): 66560 bytes of 'a' in chunks of 65536, 1024 and 0, with the seed and
/// chunk signatures the page prints.
/// </summary>
public sealed class AwsDocumentedExampleTests
{
    private const string Seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    private const string Chunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    private const string Chunk2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    private const string Final = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

    private static readonly DateTimeOffset ExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Payload = Encoding.ASCII.GetBytes(new string('a', 66560));

    [Fact]
    public async Task DocumentedChunkedUpload_Decodes()
    {
        var context = await VerifyExample(SigV4Constants.StreamingPayload, "66824", Seed, trailer: null);
        var body = Concat(
            $"10000;chunk-signature={Chunk1}\r\n", Payload[..65536], "\r\n",
            $"400;chunk-signature={Chunk2}\r\n", Payload[65536..], "\r\n",
            $"0;chunk-signature={Final}\r\n\r\n");
        Assert.Equal(66824, body.Length);

        var outcome = await StreamingTestKit.Decode(body, context);

        Assert.Null(outcome.Error);
        Assert.Equal(Payload, outcome.Data);
        Assert.Empty(outcome.Trailers!);
    }

    [Fact]
    public async Task DocumentedChunkedUpload_WithTheChunkSignaturesSwapped_SignatureDoesNotMatch()
    {
        var context = await VerifyExample(SigV4Constants.StreamingPayload, "66824", Seed, trailer: null);
        var body = Concat(
            $"10000;chunk-signature={Chunk2}\r\n", Payload[..65536], "\r\n",
            $"400;chunk-signature={Chunk1}\r\n", Payload[65536..], "\r\n",
            $"0;chunk-signature={Final}\r\n\r\n");

        var error = await StreamingTestKit.AssertRejected(body, context, "SignatureDoesNotMatch");

        Assert.Equal(403, error.Error.StatusCode);
        Assert.Contains(error.Error.Details, d => d.Key == "StringToSign" && d.Value.StartsWith("AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n" + Seed, StringComparison.Ordinal));
        Assert.Contains(new KeyValuePair<string, string>("SignatureProvided", Chunk2), error.Error.Details);
    }

    /// <summary>
    /// The same request as a signed-trailer upload with a CRC32 trailer. Not an AWS-published vector: it was computed
    /// with the .NET SDK's algorithm (recorded in the S3 wire spec), so it pins the trailer canonical form.
    /// </summary>
    [Fact]
    public async Task TrailerVariantOfTheExample_Decodes()
    {
        const string TrailerSeed = "6222e6fa58042bdb0cd49fd946cf2ebc2da5b8da3573f9fe94414d3b2f43cff1";
        const string TrailerFinal = "c519648dc6fb36cc1df946e1d5f8fbef2291de9a2a5982bf3de31d17633a68d8";
        const string TrailerSignature = "9f55152432d960861682c229030f618e232915b0f12574b9158172bce1702fb6";
        var context = await VerifyExample(SigV4Constants.StreamingPayloadTrailer, "66945", TrailerSeed, "x-amz-checksum-crc32");
        var encoder = new ChunkedBodyEncoder(Secret, "20130524T000000Z", "us-east-1", "s3");
        var frames = encoder.SignedFrames(Payload, 65536, TrailerSeed);
        Assert.Equal(TrailerFinal, frames[^1].Signature);
        Assert.Equal("sK4Y7A==", ChunkedBodyEncoder.Crc32Base64(Payload));
        var body = ChunkedBodyEncoder.Body(frames, [new("x-amz-checksum-crc32", "sK4Y7A==")], TrailerSignature);
        Assert.Equal(66945, body.Length);

        var outcome = await StreamingTestKit.Decode(body, context);

        Assert.Null(outcome.Error);
        Assert.Equal(Payload, outcome.Data);
        Assert.Equal([new("x-amz-checksum-crc32", "sK4Y7A==")], outcome.Trailers!);
    }

    private static async Task<SigV4StreamingContext> VerifyExample(string contentSha256, string contentLength, string seed, string? trailer)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", "s3.amazonaws.com"),
            new("x-amz-date", "20130524T000000Z"),
            new("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            new("x-amz-content-sha256", contentSha256),
            new("Content-Encoding", "aws-chunked"),
            new("x-amz-decoded-content-length", "66560"),
            new("Content-Length", contentLength),
        };
        var signedHeaders = "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class";
        if (trailer is not null)
        {
            headers.Add(new("x-amz-trailer", trailer));
            signedHeaders += ";x-amz-trailer";
        }

        headers.Add(new("Authorization",
            $"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders={signedHeaders},Signature={seed}"));
        var request = new SigV4Request("PUT", "/examplebucket/chunkObject.txt", null, headers, SigV4Payload.Deferred());

        var result = await new SigV4Verifier(new FakeTimeProvider(ExampleTime)).VerifyAsync(request, Resolve);

        Assert.True(result.Succeeded, result.Error?.Message);
        var context = result.Identity!.StreamingContext!;
        Assert.Equal(seed, context.SeedSignature);
        Assert.Equal(66560, context.DecodedContentLength);
        Assert.DoesNotContain(Secret, context.ToString(), StringComparison.Ordinal);
        return context;
    }

    private static byte[] Concat(params object[] parts) =>
        [.. parts.SelectMany(p => p is string s ? Encoding.ASCII.GetBytes(s) : (byte[])p)];
}
