using Irsa.SigV4.Streaming;

namespace Irsa.SigV4;

/// <summary>Outcome of <see cref="SigV4Verifier.VerifyAsync"/>: an identity, or an AWS error to send back.</summary>
public sealed class SigV4Result
{
    private SigV4Result(SigV4Identity? identity, SigV4Error? error)
    {
        Identity = identity;
        Error = error;
    }

    public bool Succeeded => Identity is not null;

    /// <summary>The request carried no SigV4 authentication at all (S3 treats this as anonymous).</summary>
    public bool IsUnsigned => Error?.Kind == SigV4ErrorKind.MissingAuthentication;

    public SigV4Identity? Identity { get; }

    public SigV4Error? Error { get; }

    public static SigV4Result Success(SigV4Identity identity) => new(identity, null);

    public static SigV4Result Failure(SigV4Error error) => new(null, error);
}

/// <summary>What a verified request proved.</summary>
public sealed class SigV4Identity
{
    public required SigV4CredentialScope Scope { get; init; }

    public required SigV4AuthLocation Location { get; init; }

    /// <summary>Lower-case names listed in <c>SignedHeaders</c>, in the order sent.</summary>
    public required IReadOnlyList<string> SignedHeaders { get; init; }

    /// <summary>The session token presented, if any.</summary>
    public string? SessionToken { get; init; }

    /// <summary>The object the caller's resolver returned.</summary>
    public object? Principal { get; init; }

    /// <summary>The signing time (<c>X-Amz-Date</c> or <c>Date</c>).</summary>
    public required DateTimeOffset RequestTime { get; init; }

    /// <summary>Presigned URLs only: <c>X-Amz-Expires</c>.</summary>
    public TimeSpan? Expires { get; init; }

    /// <summary>The payload hash that entered the canonical request.</summary>
    public required string PayloadHash { get; init; }

    public required SigV4PayloadSigning PayloadSigning { get; init; }

    /// <summary>The verified signature (lower-case hex): the seed signature of an aws-chunked upload.</summary>
    public required string Signature { get; init; }

    /// <summary>
    /// Set when <see cref="PayloadSigning"/> is <see cref="SigV4PayloadSigning.Streaming"/>: pass it to
    /// <see cref="AwsChunkedStream"/> to decode the body and verify its chunk and trailer signatures.
    /// </summary>
    public SigV4StreamingContext? StreamingContext { get; init; }
}

/// <summary>How much of the body the signature covers.</summary>
public enum SigV4PayloadSigning
{
    /// <summary>The body hash was computed here and matched.</summary>
    Signed,

    /// <summary>The declared hash was trusted (<see cref="SigV4Payload.Deferred"/>): the caller must hash the body and compare with <see cref="SigV4Identity.PayloadHash"/>.</summary>
    DeclaredNotChecked,

    /// <summary><c>UNSIGNED-PAYLOAD</c>: the body is not covered.</summary>
    Unsigned,

    /// <summary><c>STREAMING-*</c>: aws-chunked body; read it through <see cref="AwsChunkedStream"/>, which verifies the chunks.</summary>
    Streaming,
}
