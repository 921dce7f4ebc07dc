namespace Irsa.SigV4;

/// <summary>Wire names and literals of AWS Signature Version 4.</summary>
public static class SigV4Constants
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    /// <summary>SHA-256 of the empty string, the payload hash of a request without a body.</summary>
    public const string EmptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public const string AuthorizationHeader = "Authorization";
    public const string HostHeader = "host";
    public const string DateHeader = "Date";
    public const string AmzDateHeader = "X-Amz-Date";
    public const string ContentSha256Header = "X-Amz-Content-Sha256";
    public const string SecurityTokenHeader = "X-Amz-Security-Token";
    public const string DecodedContentLengthHeader = "X-Amz-Decoded-Content-Length";
    public const string TrailerHeader = "X-Amz-Trailer";

    /// <summary>The trailer line that carries the trailer signature of a signed aws-chunked body.</summary>
    public const string TrailerSignatureName = "x-amz-trailer-signature";

    /// <summary>First line of the string to sign of one aws-chunked chunk.</summary>
    public const string ChunkAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD";

    /// <summary>First line of the string to sign of the trailer section of an aws-chunked body.</summary>
    public const string TrailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER";

    public const string AlgorithmParameter = "X-Amz-Algorithm";
    public const string CredentialParameter = "X-Amz-Credential";
    public const string DateParameter = "X-Amz-Date";
    public const string ExpiresParameter = "X-Amz-Expires";
    public const string SignedHeadersParameter = "X-Amz-SignedHeaders";
    public const string SignatureParameter = "X-Amz-Signature";
    public const string SecurityTokenParameter = "X-Amz-Security-Token";
    public const string ContentSha256Parameter = "X-Amz-Content-Sha256";

    /// <summary>Longest presigned URL lifetime AWS allows: seven days.</summary>
    public const int MaxExpiresSeconds = 604800;

    /// <summary>ISO 8601 basic format used by <c>X-Amz-Date</c>.</summary>
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";
}
