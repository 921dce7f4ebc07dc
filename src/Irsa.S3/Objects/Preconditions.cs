using Irsa.Core.Aws;
using Irsa.S3.Metadata;
using Irsa.S3.Protocol;

namespace Irsa.S3.Objects;

/// <summary>The outcome of conditional headers on a read.</summary>
internal enum PreconditionOutcome
{
    Proceed,
    NotModified,
}

/// <summary>
/// S3's conditional requests, ETags compared without quotes and times at whole seconds. If-Match that holds
/// overrides a failing If-Unmodified-Since; If-None-Match, when present, decides alone over If-Modified-Since.
/// </summary>
internal static class Preconditions
{
    /// <summary>GET and HEAD: 412 is thrown, 304 is returned as <see cref="PreconditionOutcome.NotModified"/>.</summary>
    public static PreconditionOutcome EvaluateRead(S3Headers headers, ObjectDocument target) =>
        Evaluate(headers["If-Match"], headers["If-None-Match"], headers["If-Modified-Since"], headers["If-Unmodified-Since"], target,
            notModifiedFails: false);

    /// <summary>CopyObject and UploadPartCopy's <c>x-amz-copy-source-if-*</c>: every failure is 412.</summary>
    public static void EvaluateCopySource(S3Headers headers, ObjectDocument source) =>
        Evaluate(headers["x-amz-copy-source-if-match"], headers["x-amz-copy-source-if-none-match"],
            headers["x-amz-copy-source-if-modified-since"], headers["x-amz-copy-source-if-unmodified-since"], source,
            notModifiedFails: true);

    /// <summary>PutObject and CompleteMultipartUpload: <c>If-None-Match: *</c> needs no object; If-Match needs a matching one.</summary>
    public static void EvaluateWrite(S3Headers headers, ObjectDocument? existing, string key)
    {
        if (headers["If-None-Match"] is { } noneMatch && existing is not null && S3Formats.ETagListMatches(noneMatch, existing.ETag))
        {
            throw new AwsErrorException(S3Errors.PreconditionFailed("If-None-Match"));
        }

        if (headers["If-Match"] is { } match)
        {
            if (existing is null)
            {
                throw new AwsErrorException(S3Errors.NoSuchKey(key));
            }

            if (!S3Formats.ETagListMatches(match, existing.ETag))
            {
                throw new AwsErrorException(S3Errors.PreconditionFailed("If-Match"));
            }
        }
    }

    private static PreconditionOutcome Evaluate(string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince,
        ObjectDocument target, bool notModifiedFails)
    {
        if (ifMatch is not null)
        {
            if (!S3Formats.ETagListMatches(ifMatch, target.ETag))
            {
                throw new AwsErrorException(S3Errors.PreconditionFailed("If-Match"));
            }
        }
        else if (S3Formats.TryParseHttpDate(ifUnmodifiedSince, out var unmodifiedSince) && target.LastModified > unmodifiedSince)
        {
            throw new AwsErrorException(S3Errors.PreconditionFailed("If-Unmodified-Since"));
        }

        var notModified = ifNoneMatch is not null
            ? S3Formats.ETagListMatches(ifNoneMatch, target.ETag)
            : S3Formats.TryParseHttpDate(ifModifiedSince, out var modifiedSince) && target.LastModified <= modifiedSince;
        if (notModified && notModifiedFails)
        {
            throw new AwsErrorException(S3Errors.PreconditionFailed(ifNoneMatch is not null ? "If-None-Match" : "If-Modified-Since"));
        }

        return notModified ? PreconditionOutcome.NotModified : PreconditionOutcome.Proceed;
    }
}
