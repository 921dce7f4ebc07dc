namespace Irsa.SigV4;

/// <summary>
/// The per-service differences in SigV4. Only S3 differs from the rest: its path is encoded once and not
/// normalised, it requires <c>x-amz-content-sha256</c>, allows unsigned and streaming payloads, and has its own
/// error vocabulary.
/// </summary>
public sealed record SigV4ServiceRules
{
    /// <summary>Rules of every service except S3 (STS, IAM, ...).</summary>
    public static SigV4ServiceRules Default { get; } = new();

    /// <summary>Rules of Amazon S3.</summary>
    public static SigV4ServiceRules S3 { get; } = new()
    {
        PathStyle = SigV4PathStyle.S3,
        RequireContentSha256Header = true,
        AllowUnsignedPayload = true,
        RequireAmzHeadersSigned = true,
        ErrorDialect = SigV4ErrorDialect.S3,
    };

    /// <summary>How the canonical URI is derived from the raw path.</summary>
    public SigV4PathStyle PathStyle { get; init; } = SigV4PathStyle.Normalized;

    /// <summary>Header auth must carry <c>x-amz-content-sha256</c> (S3).</summary>
    public bool RequireContentSha256Header { get; init; }

    /// <summary>
    /// <c>UNSIGNED-PAYLOAD</c> and <c>STREAMING-*</c> values of <c>x-amz-content-sha256</c> enter the canonical
    /// request as sent, and presigned URLs default to <c>UNSIGNED-PAYLOAD</c> (S3). Otherwise the body hash is used.
    /// </summary>
    public bool AllowUnsignedPayload { get; init; }

    /// <summary>Every <c>x-amz-*</c> header present in a header-authenticated request must be signed (S3).</summary>
    public bool RequireAmzHeadersSigned { get; init; }

    /// <summary>Which error vocabulary failures use.</summary>
    public SigV4ErrorDialect ErrorDialect { get; init; } = SigV4ErrorDialect.Query;
}

/// <summary>Canonical URI derivation.</summary>
public enum SigV4PathStyle
{
    /// <summary>Remove dot segments and empty segments, then URI-encode the (already encoded) path again.</summary>
    Normalized,

    /// <summary>S3: no normalisation; the path is encoded exactly once (decode what the client escaped, re-encode).</summary>
    S3,
}
