using Irsa.S3.Integrity;

namespace Irsa.S3.Protocol;

/// <summary>
/// Decides whether the caller may perform <c>action</c> on <c>resourceArn</c> with the given extra condition keys.
/// The host supplies it (policy engine plus bucket policy); handlers call it for the second decisions S3 makes
/// inside one request (each DeleteObjects key, a CopyObject source, s3:ListBucket before answering NoSuchKey).
/// </summary>
public delegate ValueTask<bool> S3Authorizer(string action, string resourceArn,
    IReadOnlyDictionary<string, string>? extraConditionKeys, CancellationToken cancellationToken);

/// <summary>An authenticated, already-addressed S3 request as the engine sees it.</summary>
public sealed record S3Request
{
    public required string Method { get; init; }

    /// <summary>The bucket name, or null for service-level requests (<c>GET /</c>).</summary>
    public string? Bucket { get; init; }

    /// <summary>The object key, percent-decoded once and never normalised; null for bucket-level requests.</summary>
    public string? Key { get; init; }

    /// <summary>Decoded query parameters; bare sub-resources (<c>?uploads</c>) map to "".</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public S3Headers Headers { get; init; } = S3Headers.Empty;

    /// <summary>The request body; <see cref="RequestPayload.Empty"/> when there is none.</summary>
    public RequestPayload Body { get; init; } = RequestPayload.Empty;

    /// <summary>The caller's account: the owner of the buckets it creates.</summary>
    public required string OwnerAccountId { get; init; }

    public required string RequestId { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required S3Authorizer Authorize { get; init; }

    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;
}
