using Irsa.S3.Protocol;

namespace Irsa.S3.Operations;

/// <summary>Runs one S3 operation on an authenticated, authorized request.</summary>
public delegate Task<S3Response> S3Handler(S3Request request, CancellationToken cancellationToken);

/// <summary>What an operation's primary authorization targets.</summary>
public enum S3ResourceKind
{
    /// <summary><c>*</c> (ListBuckets).</summary>
    Service,

    /// <summary><c>arn:aws:s3:::bucket</c>.</summary>
    Bucket,

    /// <summary><c>arn:aws:s3:::bucket/key</c>.</summary>
    Object,
}

/// <summary>One row of the S3 catalog.</summary>
/// <param name="Name">The operation as AWS names it (CloudTrail's eventName, except ListObjectsV2).</param>
/// <param name="Action">The IAM action the host authorizes before calling the handler.</param>
/// <param name="Resource">Which ARN the action is authorized on.</param>
/// <param name="ReadOnly">CloudTrail's readOnly.</param>
/// <param name="IsDataEvent">A CloudTrail data event (objects, lists, HeadBucket) rather than a management event.</param>
/// <param name="Handler">Runs the operation.</param>
/// <param name="AuthorizedPerKey">
/// The handler makes every authorization decision itself through <see cref="S3Request.Authorize"/> (DeleteObjects
/// decides each key): the host must not deny the whole request on the bucket ARN.
/// </param>
/// <param name="ChecksumHeadersDescribeBody">
/// Whether <c>x-amz-checksum-*</c> headers are checksums of the request body, which the host's
/// <see cref="Integrity.RequestPayload"/> verifies; false for CompleteMultipartUpload, where they carry the
/// assembled object's checksum.
/// </param>
public sealed record S3Operation(
    string Name,
    string Action,
    S3ResourceKind Resource,
    bool ReadOnly,
    bool IsDataEvent,
    S3Handler Handler,
    bool AuthorizedPerKey = false,
    bool ChecksumHeadersDescribeBody = true);

/// <summary>An operation resolved for one request: the ARN to authorize and the S3 condition keys it supplies.</summary>
public sealed record S3ResolvedOperation(S3Operation Operation, string ResourceArn, IReadOnlyDictionary<string, string> ConditionKeys);
