namespace Irsa.SigV4;

/// <summary>
/// Looks up the secret behind an access key id. Supplied by the caller, who decides what an access key means;
/// the library never stores keys.
/// </summary>
public delegate ValueTask<SigV4KeyResolution> SigV4KeyResolver(SigV4KeyRequest request, CancellationToken cancellationToken);

/// <summary>What the verifier knows when it asks for a key: the scope and the session token presented (if any).</summary>
public sealed record SigV4KeyRequest(SigV4CredentialScope Scope, string? SessionToken, SigV4AuthLocation Location)
{
    public string AccessKeyId => Scope.AccessKeyId;
}

/// <summary>The caller's answer to a <see cref="SigV4KeyRequest"/>.</summary>
public sealed class SigV4KeyResolution
{
    private SigV4KeyResolution(SigV4KeyResolutionStatus status, string? secret, string? expectedSessionToken, object? principal, SigV4Error? error)
    {
        Status = status;
        SecretAccessKey = secret;
        ExpectedSessionToken = expectedSessionToken;
        Principal = principal;
        Error = error;
    }

    public SigV4KeyResolutionStatus Status { get; }

    public string? SecretAccessKey { get; }

    /// <summary>When set, the request must present exactly this session token (compared in constant time).</summary>
    public string? ExpectedSessionToken { get; }

    /// <summary>Whatever the caller wants back on success (e.g. the user or assumed-role session).</summary>
    public object? Principal { get; }

    /// <summary>Set when <see cref="Status"/> is <see cref="SigV4KeyResolutionStatus.Rejected"/>.</summary>
    public SigV4Error? Error { get; }

    /// <summary>The key exists. If <paramref name="expectedSessionToken"/> is null the caller has already judged the presented token.</summary>
    public static SigV4KeyResolution Found(string secretAccessKey, string? expectedSessionToken = null, object? principal = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        return new(SigV4KeyResolutionStatus.Found, secretAccessKey, expectedSessionToken, principal, null);
    }

    /// <summary>Unknown access key id: <c>InvalidClientTokenId</c> (S3: <c>InvalidAccessKeyId</c>).</summary>
    public static SigV4KeyResolution NotFound() => new(SigV4KeyResolutionStatus.NotFound, null, null, null, null);

    /// <summary>Session credentials expired: <c>ExpiredToken</c>.</summary>
    public static SigV4KeyResolution Expired() => new(SigV4KeyResolutionStatus.Expired, null, null, null, null);

    /// <summary>Session token missing or wrong: <c>InvalidClientTokenId</c> (S3: <c>InvalidToken</c>).</summary>
    public static SigV4KeyResolution InvalidToken() => new(SigV4KeyResolutionStatus.InvalidToken, null, null, null, null);

    /// <summary>Any other failure the caller wants to answer with.</summary>
    public static SigV4KeyResolution Rejected(SigV4Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(SigV4KeyResolutionStatus.Rejected, null, null, null, error);
    }
}

/// <summary>Outcome of a key lookup.</summary>
public enum SigV4KeyResolutionStatus
{
    Found,
    NotFound,
    Expired,
    InvalidToken,
    Rejected,
}

/// <summary>Where the signature was carried.</summary>
public enum SigV4AuthLocation
{
    /// <summary><c>Authorization</c> header.</summary>
    Header,

    /// <summary>Presigned URL (<c>X-Amz-*</c> query parameters).</summary>
    Query,
}
