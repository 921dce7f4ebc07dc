namespace Irsa.SigV4;

/// <summary>
/// A client-facing SigV4 failure: the exact AWS error code, message and HTTP status, plus a stable
/// <see cref="Kind"/> for programmatic handling (audit, metrics) that does not depend on the dialect.
/// </summary>
/// <param name="Kind">What went wrong, independent of how AWS words it.</param>
/// <param name="Code">The AWS <c>&lt;Code&gt;</c>, e.g. <c>SignatureDoesNotMatch</c>.</param>
/// <param name="Message">The AWS <c>&lt;Message&gt;</c>.</param>
/// <param name="StatusCode">The HTTP status to answer with.</param>
public sealed record SigV4Error(SigV4ErrorKind Kind, string Code, string Message, int StatusCode)
{
    /// <summary>
    /// Extra elements S3 adds to its error XML (e.g. <c>ServerTime</c>, <c>CanonicalRequest</c>); empty for
    /// the query protocol. Values may echo what the client sent, never server secrets.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Details { get; init; } = [];

    /// <summary>The caller's resolver reports session credentials past their expiration.</summary>
    public static SigV4Error ExpiredToken(SigV4ErrorDialect dialect = SigV4ErrorDialect.Query) =>
        SigV4Errors.ExpiredToken(dialect);

    /// <summary>The caller's resolver does not know the access key id (or its session token is wrong).</summary>
    public static SigV4Error InvalidClientTokenId(SigV4ErrorDialect dialect = SigV4ErrorDialect.Query) =>
        SigV4Errors.UnknownAccessKey(dialect);
}

/// <summary>Dialect-independent classification of a <see cref="SigV4Error"/>.</summary>
public enum SigV4ErrorKind
{
    /// <summary>No SigV4 authentication at all (anonymous request).</summary>
    MissingAuthentication,

    /// <summary>Authorization header or presign parameters malformed or incomplete.</summary>
    IncompleteSignature,

    /// <summary>Unknown access key id.</summary>
    InvalidAccessKey,

    /// <summary>Session token missing, malformed or not the one issued with the key.</summary>
    InvalidSessionToken,

    /// <summary>Session credentials expired (reported by the caller's resolver).</summary>
    ExpiredToken,

    /// <summary>The computed signature differs from the one provided, or the scope is inconsistent.</summary>
    SignatureMismatch,

    /// <summary>Header auth outside the allowed clock skew.</summary>
    RequestTimeSkewed,

    /// <summary>Presigned URL past its <c>X-Amz-Expires</c> (or not yet valid).</summary>
    RequestExpired,

    /// <summary>Declared <c>x-amz-content-sha256</c> differs from the body, or is required and missing.</summary>
    PayloadHash,

    /// <summary>A failure chosen by the caller's resolver.</summary>
    Custom,

    /// <summary>An aws-chunked body is malformed: framing, trailer section or decoded length.</summary>
    MalformedPayload,
}

/// <summary>Which AWS error vocabulary to answer in.</summary>
public enum SigV4ErrorDialect
{
    /// <summary>STS, IAM and other awsQuery services.</summary>
    Query,

    /// <summary>Amazon S3 (<c>RequestTimeTooSkewed</c>, <c>AccessDenied</c> "Request has expired", ...).</summary>
    S3,
}
