using System.Text;
using Irsa.SigV4.Streaming;
using static Irsa.SigV4.Tests.Streaming.StreamingTestKit;

namespace Irsa.SigV4.Tests.Streaming;

/// <summary>Decoding of all three aws-chunked variants, and every way a body can be wrong.</summary>
public sealed class AwsChunkedStreamTests
{
    private const string Crc32 = "x-amz-checksum-crc32";
    private static readonly byte[] Payload = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 25).Select(i => $"line {i:D2}\n")));

    public static TheoryData<string> Modes => new()
    {
        SigV4Constants.StreamingPayload,
        SigV4Constants.StreamingPayloadTrailer,
        SigV4Constants.StreamingUnsignedPayloadTrailer,
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ValidBody_Decodes_WhateverTheReadAndNetworkSizes(string mode)
    {
        var (body, context) = await ValidBody(mode, chunkSize: 64);
        foreach (var useAsync in new[] { true, false })
        {
            foreach (var (readSize, pieceSize) in new[] { (1, 1), (7, 3), (8192, int.MaxValue), (100, 1) })
            {
                var outcome = await Decode(body, context, useAsync, readSize, pieceSize);

                Assert.Null(outcome.Error);
                Assert.Equal(Payload, outcome.Data);
                Assert.Equal(mode == SigV4Constants.StreamingPayload ? [] : [new(Crc32, ChunkedBodyEncoder.Crc32Base64(Payload))], outcome.Trailers!);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task UpperCaseHexSizes_Accepted(string mode)
    {
        var (body, context) = await ValidBody(mode, chunkSize: 200, upperCase: true);
        Assert.Contains("C8", Encoding.ASCII.GetString(body), StringComparison.Ordinal);

        Assert.Null((await Decode(body, context)).Error);
    }

    [Fact]
    public async Task EmptyPayload_OnlyTheFinalChunk_Decodes()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayload, 0);
        var body = ChunkedBodyEncoder.Body(Encoder().SignedFrames([], 64, seed));

        var outcome = await Decode(body, context);

        Assert.Null(outcome.Error);
        Assert.Empty(outcome.Data);
    }

    [Fact]
    public async Task WithoutDecodedLength_Decodes()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayload, null);
        var body = ChunkedBodyEncoder.Body(Encoder().SignedFrames(Payload, 64, seed));

        Assert.Equal(Payload, (await Decode(body, context)).Data);
    }

    [Fact]
    public async Task FlippedDataByte_SignatureDoesNotMatch_BeforeTheChunkEndIsReturned()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayload, Payload.Length);
        var frames = Encoder().SignedFrames(Payload, 64, seed);
        frames[1].Data[10] ^= 0x01;

        var error = await AssertRejected(ChunkedBodyEncoder.Body(frames), context, "SignatureDoesNotMatch");
        var outcome = await Decode(ChunkedBodyEncoder.Body(frames), context, readSize: 1);

        Assert.Equal(SigV4ErrorKind.SignatureMismatch, error.Error.Kind);
        Assert.Equal(64 + 63, outcome.Data.Length);
    }

    [Fact]
    public async Task ReorderedChunks_SignatureDoesNotMatch()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayload, Payload.Length);
        var frames = Encoder().SignedFrames(Payload, 64, seed);
        (frames[0], frames[1]) = (frames[1], frames[0]);

        await AssertRejected(ChunkedBodyEncoder.Body(frames), context, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task SwappedChunkSignatures_SignatureDoesNotMatch()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayload, Payload.Length);
        var frames = Encoder().SignedFrames(Payload, 64, seed);
        (frames[0], frames[1]) = (
            frames[0] with { Header = frames[0].Header.Replace(frames[0].Signature, frames[1].Signature, StringComparison.Ordinal) },
            frames[1] with { Header = frames[1].Header.Replace(frames[1].Signature, frames[0].Signature, StringComparison.Ordinal) });

        await AssertRejected(ChunkedBodyEncoder.Body(frames), context, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task ChunkSignedWithAnotherSeed_SignatureDoesNotMatch()
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingPayload, Payload.Length);
        var frames = Encoder().SignedFrames(Payload, 64, new string('0', 64));

        await AssertRejected(ChunkedBodyEncoder.Body(frames), context, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task DroppedChunk_WithItsNeighboursResigned_StillBreaksTheChain()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayload, null);
        var frames = Encoder().SignedFrames(Payload, 64, seed);
        frames.RemoveAt(1);

        await AssertRejected(ChunkedBodyEncoder.Body(frames), context, "SignatureDoesNotMatch");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TruncatedAtEveryByte_IncompleteBody_NeverEof(string mode)
    {
        var (body, context) = await ValidBody(mode, chunkSize: 100);
        for (var length = 0; length < body.Length; length++)
        {
            var outcome = await Decode(body[..length], context);

            Assert.True(outcome.Error is not null, $"{length} of {body.Length} bytes were accepted");
            Assert.Equal("IncompleteBody", outcome.Error.Error.Code);
            Assert.Equal(400, outcome.Error.Error.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task BytesAfterTheEnd_IncompleteBody(string mode)
    {
        var (body, context) = await ValidBody(mode, chunkSize: 100);

        await AssertRejected([.. body, (byte)'x'], context, "IncompleteBody");
        await AssertRejected([.. body, .. "\r\n"u8], context, "IncompleteBody");
    }

    [Fact]
    public async Task MissingFinalChunk_IncompleteBody()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayload, null);
        var frames = Encoder().SignedFrames(Payload, 64, seed);

        await AssertRejected([.. frames.SkipLast(1).SelectMany(f => f.ToBytes())], context, "IncompleteBody");
    }

    [Theory]
    [InlineData("-10")]
    [InlineData("+10")]
    [InlineData(" 10")]
    [InlineData("10 ")]
    [InlineData("0x10")]
    [InlineData("")]
    [InlineData("g")]
    [InlineData("FFFFFFFFFFFFFFFFFF")]
    [InlineData("10000000000000000")]
    [InlineData("4000001")]
    public async Task BadChunkSize_IncompleteBody(string size)
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, null);
        var body = Encoding.ASCII.GetBytes($"{size}\r\n{new string('a', 16)}\r\n0\r\n\r\n");

        await AssertRejected(body, context, "IncompleteBody");
    }

    [Fact]
    public async Task ChunkOverTheConfiguredCap_IncompleteBody()
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, null);
        var body = Encoding.ASCII.GetBytes($"11\r\n{new string('a', 17)}\r\n0\r\n\r\n");

        var outcome = await Decode(body, context, options: new AwsChunkedStreamOptions { MaxChunkSize = 16 });

        Assert.Equal("IncompleteBody", outcome.Error?.Error.Code);
    }

    [Theory]
    [InlineData("10;chunk-signature=")]
    [InlineData("10")]
    [InlineData("10;chunk-signature=zz")]
    [InlineData("10;chunk-signatur=0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task SignedChunkWithoutAWellFormedSignature_IncompleteBody(string header)
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingPayload, null);

        await AssertRejected(Encoding.ASCII.GetBytes($"{header}\r\n{new string('a', 16)}\r\n"), context, "IncompleteBody");
    }

    [Fact]
    public async Task UnsignedVariantWithAChunkExtension_IncompleteBody()
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, null);

        await AssertRejected(Encoding.ASCII.GetBytes($"10;ext=1\r\n{new string('a', 16)}\r\n0\r\n\r\n"), context, "IncompleteBody");
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("xx")]
    [InlineData("")]
    public async Task DataNotFollowedByCrlf_IncompleteBody(string separator)
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, null);

        await AssertRejected(Encoding.ASCII.GetBytes($"10\r\n{new string('a', 16)}{separator}0\r\n\r\n"), context, "IncompleteBody");
    }

    [Theory]
    [InlineData(SigV4Constants.StreamingPayload)]
    [InlineData(SigV4Constants.StreamingUnsignedPayloadTrailer)]
    public async Task EndlessSizeLine_FailsAfterABoundedRead(string mode)
    {
        var (_, context) = await VerifiedPut(mode, null);
        var endless = new EndlessStream("1"u8.ToArray(), (byte)'0');

        var outcome = await Decode(endless, context);

        Assert.Equal("IncompleteBody", outcome.Error?.Error.Code);
        Assert.True(endless.BytesRead <= 32 * 1024, $"read {endless.BytesRead} bytes");
    }

    [Fact]
    public async Task EndlessTrailerSection_FailsAfterABoundedRead()
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, 0, Crc32);
        var endless = new EndlessStream("0\r\nx-amz-checksum-crc32:"u8.ToArray(), (byte)'A');

        var outcome = await Decode(endless, context);

        Assert.Equal("MalformedTrailerError", outcome.Error?.Error.Code);
        Assert.True(endless.BytesRead <= 32 * 1024, $"read {endless.BytesRead} bytes");
    }

    [Fact]
    public async Task ManyShortTrailerLines_MalformedTrailerError()
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, 0, Crc32);
        var lines = string.Concat(Enumerable.Range(0, 20).Select(i => $"x-amz-meta-{i}:v\r\n"));

        await AssertRejected(Encoding.ASCII.GetBytes($"0\r\n{lines}\r\n"), context, "MalformedTrailerError");
    }

    [Fact]
    public async Task HeaderLineOverTheCap_IncompleteBody()
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, null);
        var body = Encoding.ASCII.GetBytes(new string('0', 4097) + "10\r\n" + new string('a', 16) + "\r\n0\r\n\r\n");

        await AssertRejected(body, context, "IncompleteBody");

        // Leading zeros within the cap are still a number.
        var shorter = Encoding.ASCII.GetBytes(new string('0', 4000) + "10\r\n" + new string('a', 16) + "\r\n0\r\n\r\n");
        Assert.Null((await Decode(shorter, context)).Error);
    }

    [Fact]
    public async Task ForgedTrailerValue_WithValidDataSignatures_SignatureDoesNotMatch()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayloadTrailer, Payload.Length, Crc32);
        var encoder = Encoder();
        var frames = encoder.SignedFrames(Payload, 64, seed);
        var genuine = new KeyValuePair<string, string>(Crc32, ChunkedBodyEncoder.Crc32Base64(Payload));
        var signature = encoder.TrailerSignature(frames[^1].Signature, [genuine]);

        var error = await AssertRejected(ChunkedBodyEncoder.Body(frames, [new(Crc32, "AAAAAA==")], signature), context, "SignatureDoesNotMatch");

        Assert.StartsWith("AWS4-HMAC-SHA256-TRAILER\n", error.Error.Details.Single(d => d.Key == "StringToSign").Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrailerSignedBeforeTheFinalChunk_SignatureDoesNotMatch()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayloadTrailer, Payload.Length, Crc32);
        var encoder = Encoder();
        var frames = encoder.SignedFrames(Payload, 64, seed);
        var trailer = new KeyValuePair<string, string>(Crc32, ChunkedBodyEncoder.Crc32Base64(Payload));

        await AssertRejected(ChunkedBodyEncoder.Body(frames, [trailer], encoder.TrailerSignature(frames[^2].Signature, [trailer])), context,
            "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task SignedTrailerVariant_WithoutTrailerSignature_MalformedTrailerError()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayloadTrailer, Payload.Length, Crc32);
        var frames = Encoder().SignedFrames(Payload, 64, seed);

        await AssertRejected(ChunkedBodyEncoder.Body(frames, [new(Crc32, ChunkedBodyEncoder.Crc32Base64(Payload))]), context, "MalformedTrailerError");
    }

    [Fact]
    public async Task TrailerAfterTheTrailerSignature_MalformedTrailerError()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayloadTrailer, Payload.Length, Crc32);
        var encoder = Encoder();
        var frames = encoder.SignedFrames(Payload, 64, seed);
        var trailer = new KeyValuePair<string, string>(Crc32, ChunkedBodyEncoder.Crc32Base64(Payload));
        var signature = encoder.TrailerSignature(frames[^1].Signature, [trailer]);
        var body = Encoding.ASCII.GetBytes(
            string.Concat(frames.Select(f => Encoding.ASCII.GetString(f.ToBytes())))
            + $"x-amz-trailer-signature:{signature}\r\n{Crc32}:{trailer.Value}\r\n\r\n");

        await AssertRejected(body, context, "MalformedTrailerError");
    }

    [Fact]
    public async Task UnsignedTrailerVariant_MissingFinalCrlf_IncompleteBody()
    {
        var (body, context) = await ValidBody(SigV4Constants.StreamingUnsignedPayloadTrailer, chunkSize: 64);
        Assert.EndsWith("==\r\n\r\n", Encoding.ASCII.GetString(body), StringComparison.Ordinal);

        await AssertRejected(body[..^2], context, "IncompleteBody");
        await AssertRejected(body[..^1], context, "IncompleteBody");
    }

    [Fact]
    public async Task UnsignedTrailerVariant_WithATrailerSignature_MalformedTrailerError()
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, 0, Crc32);
        var body = Encoding.ASCII.GetBytes($"0\r\n{Crc32}:AAAAAA==\r\nx-amz-trailer-signature:{new string('a', 64)}\r\n\r\n");

        await AssertRejected(body, context, "MalformedTrailerError");
    }

    [Theory]
    [InlineData("x-amz-checksum-sha256:AAAA")]
    [InlineData("")]
    [InlineData("x-amz-checksum-crc32:AAAAAA==\r\nx-amz-checksum-crc32:AAAAAA==")]
    [InlineData("x-amz-checksum-crc32:AAAAAA==\r\nx-amz-meta-extra:1")]
    [InlineData("x-amz-checksum-crc32 AAAAAA==")]
    [InlineData(":AAAAAA==")]
    [InlineData("x-amz-checksum(crc32):AAAAAA==")]
    [InlineData("x-amz-checksum-crc32:AA\u0001AAA==")]
    public async Task TrailersThatDifferFromXAmzTrailer_OrAreMalformed_MalformedTrailerError(string trailerLines)
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, 0, Crc32);
        var section = trailerLines.Length == 0 ? string.Empty : trailerLines + "\r\n";

        await AssertRejected(Encoding.ASCII.GetBytes($"0\r\n{section}\r\n"), context, "MalformedTrailerError");
    }

    [Fact]
    public async Task TrailerWithoutXAmzTrailer_MalformedTrailerError()
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, 0);

        await AssertRejected(Encoding.ASCII.GetBytes($"0\r\n{Crc32}:AAAAAA==\r\n\r\n"), context, "MalformedTrailerError");
        Assert.Null((await Decode(Encoding.ASCII.GetBytes("0\r\n\r\n"), context)).Error);
    }

    [Fact]
    public async Task TrailerValue_IsTrimmed_AndNameLowerCased()
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingUnsignedPayloadTrailer, 0, "X-Amz-Checksum-CRC32");

        var outcome = await Decode(Encoding.ASCII.GetBytes("0\r\nX-Amz-Checksum-CRC32:  AAAAAA== \r\n\r\n"), context);

        Assert.Null(outcome.Error);
        Assert.Equal([new(Crc32, "AAAAAA==")], outcome.Trailers!);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task DecodedLengthMismatch_IncompleteBody(int difference)
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayload, Payload.Length + difference);
        var body = ChunkedBodyEncoder.Body(Encoder().SignedFrames(Payload, 64, seed));

        await AssertRejected(body, context, "IncompleteBody");
    }

    [Fact]
    public async Task DecodedLengthExceeded_FailsBeforeTheExcessIsReturned()
    {
        var (seed, context) = await VerifiedPut(SigV4Constants.StreamingPayload, 10);
        var body = ChunkedBodyEncoder.Body(Encoder().SignedFrames(Payload, 64, seed));

        var outcome = await Decode(body, context);

        Assert.Equal("IncompleteBody", outcome.Error?.Error.Code);
        Assert.Empty(outcome.Data);
    }

    [Fact]
    public async Task MalformedDecodedLengthHeader_InvalidArgumentAtVerification()
    {
        var request = new SigV4Request("PUT", "/bucket/key", null,
            [new("Host", "s3.irsa.local"), new("X-Amz-Decoded-Content-Length", "-5")], SigV4Payload.Deferred());
        var signed = SigV4Signer.Sign(request, new SigV4Credentials(VerifierTestKit.AccessKeyId, VerifierTestKit.Secret), "us-east-1", "s3",
            VerifierTestKit.Now, new SigV4SigningOptions { PayloadHash = SigV4Constants.StreamingPayload });

        var result = await VerifierTestKit.Verify(VerifierTestKit.WithHeaders(request, signed.HeadersToAdd));

        Assert.Equal("InvalidArgument", result.Error?.Code);
        Assert.Equal(SigV4ErrorKind.MalformedPayload, result.Error!.Kind);
    }

    [Fact]
    public async Task StreamingContext_OnlyForStreamingPayloads_AndHidesTheKey()
    {
        var (_, context) = await VerifiedPut(SigV4Constants.StreamingPayloadTrailer, 5, "x-amz-checksum-crc32, x-amz-checksum-sha256");
        var plain = await VerifierTestKit.Verify(S3Tests.SignedS3Get(VerifierTestKit.Now));

        Assert.Null(plain.Identity!.StreamingContext);
        Assert.Equal(SigV4StreamingMode.SignedPayloadTrailer, context.Mode);
        Assert.Equal(["x-amz-checksum-crc32", "x-amz-checksum-sha256"], context.DeclaredTrailers);
        Assert.Equal(StreamingTestKit.AmzDate, context.AmzDate);
        Assert.Contains("signing key redacted", context.ToString(), StringComparison.Ordinal);
        Assert.Equal("SigV4StreamingContext(SignedPayloadTrailer, AKIAIOSFODNN7EXAMPLE/20260807/us-east-1/s3/aws4_request, 20260807T120000Z, signing key redacted)",
            context.ToString());
    }

    [Fact]
    public async Task Stream_IsReadOnlyAndNotSeekable()
    {
        var (body, context) = await ValidBody(SigV4Constants.StreamingPayload, 64);
        using var stream = new AwsChunkedStream(new MemoryStream(body), context);

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        Assert.Throws<InvalidOperationException>(() => stream.Trailers);

        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(Payload, copy.ToArray());
        Assert.Equal(Payload.Length, stream.DecodedLength);
        Assert.Empty(stream.Trailers);
    }

    private static async Task<(byte[] Body, SigV4StreamingContext Context)> ValidBody(string mode, int chunkSize, bool upperCase = false)
    {
        var trailer = mode == SigV4Constants.StreamingPayload ? null : Crc32;
        var (seed, context) = await VerifiedPut(mode, Payload.Length, trailer);
        var encoder = Encoder(upperCase);
        var trailers = new List<KeyValuePair<string, string>> { new(Crc32, ChunkedBodyEncoder.Crc32Base64(Payload)) };
        var body = mode switch
        {
            SigV4Constants.StreamingPayload => ChunkedBodyEncoder.Body(encoder.SignedFrames(Payload, chunkSize, seed)),
            SigV4Constants.StreamingPayloadTrailer => SignedTrailerBody(encoder, seed, chunkSize, trailers),
            _ => ChunkedBodyEncoder.Body(encoder.UnsignedFrames(Payload, chunkSize), trailers),
        };
        return (body, context);
    }

    private static byte[] SignedTrailerBody(ChunkedBodyEncoder encoder, string seed, int chunkSize, List<KeyValuePair<string, string>> trailers)
    {
        var frames = encoder.SignedFrames(Payload, chunkSize, seed);
        return ChunkedBodyEncoder.Body(frames, trailers, encoder.TrailerSignature(frames[^1].Signature, trailers));
    }
}
