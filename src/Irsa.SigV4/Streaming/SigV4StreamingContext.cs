namespace Irsa.SigV4.Streaming;

/// <summary>
/// What a verified <c>STREAMING-*</c> request hands on to <see cref="AwsChunkedStream"/>: the derived signing key
/// (never the secret), the timestamp and scope that enter every chunk's string to sign, the seed signature, and the
/// signed headers that describe the body.
/// </summary>
/// <remarks>
/// Only the verifier creates one, after the seed signature matched, so every value here is covered by it.
/// <see cref="ToString"/> leaves the key out.
/// </remarks>
public sealed class SigV4StreamingContext
{
    private readonly byte[] _signingKey;

    internal SigV4StreamingContext(
        SigV4StreamingMode mode,
        SigV4CredentialScope scope,
        string amzDate,
        string seedSignature,
        byte[] signingKey,
        long? decodedContentLength,
        IReadOnlyList<string> declaredTrailers)
    {
        Mode = mode;
        Scope = scope;
        AmzDate = amzDate;
        SeedSignature = seedSignature;
        _signingKey = signingKey;
        DecodedContentLength = decodedContentLength;
        DeclaredTrailers = declaredTrailers;
    }

    /// <summary>Which of the three aws-chunked variants <c>x-amz-content-sha256</c> announced.</summary>
    public SigV4StreamingMode Mode { get; }

    /// <summary>The credential scope; its <see cref="SigV4CredentialScope.ScopeString"/> enters each string to sign.</summary>
    public SigV4CredentialScope Scope { get; }

    /// <summary>The request's <c>X-Amz-Date</c> (basic ISO 8601), as signed.</summary>
    public string AmzDate { get; }

    /// <summary>The verified request signature (lower-case hex): the first "previous signature" of the chain.</summary>
    public string SeedSignature { get; }

    /// <summary><c>x-amz-decoded-content-length</c>, when the request carried it.</summary>
    public long? DecodedContentLength { get; }

    /// <summary>Lower-case trailer names listed in <c>x-amz-trailer</c>, in the order sent; empty when absent.</summary>
    public IReadOnlyList<string> DeclaredTrailers { get; }

    /// <summary>The chunks carry signatures (and so does the trailer section when there is one).</summary>
    public bool ChunksSigned => Mode != SigV4StreamingMode.UnsignedPayloadTrailer;

    /// <summary>A trailer section follows the final chunk.</summary>
    public bool HasTrailerSection => Mode != SigV4StreamingMode.SignedPayload;

    internal ReadOnlySpan<byte> SigningKey => _signingKey;

    public override string ToString() =>
        $"SigV4StreamingContext({Mode}, {Scope.AccessKeyId}/{Scope.ScopeString}, {AmzDate}, signing key redacted)";

    /// <summary>Maps an <c>x-amz-content-sha256</c> value to its mode; false for anything but the three streaming values.</summary>
    public static bool TryGetMode(string? contentSha256, out SigV4StreamingMode mode)
    {
        switch (contentSha256)
        {
            case SigV4Constants.StreamingPayload:
                mode = SigV4StreamingMode.SignedPayload;
                return true;
            case SigV4Constants.StreamingPayloadTrailer:
                mode = SigV4StreamingMode.SignedPayloadTrailer;
                return true;
            case SigV4Constants.StreamingUnsignedPayloadTrailer:
                mode = SigV4StreamingMode.UnsignedPayloadTrailer;
                return true;
            default:
                mode = default;
                return false;
        }
    }
}

/// <summary>The aws-chunked variants, named after their <c>x-amz-content-sha256</c> values.</summary>
public enum SigV4StreamingMode
{
    /// <summary><c>STREAMING-AWS4-HMAC-SHA256-PAYLOAD</c>: signed chunks, no trailer section.</summary>
    SignedPayload,

    /// <summary><c>STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER</c>: signed chunks and a signed trailer section.</summary>
    SignedPayloadTrailer,

    /// <summary><c>STREAMING-UNSIGNED-PAYLOAD-TRAILER</c>: unsigned chunks and an unsigned trailer section.</summary>
    UnsignedPayloadTrailer,
}
