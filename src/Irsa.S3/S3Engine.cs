using Irsa.S3.Blobs;
using Irsa.S3.Buckets;
using Irsa.S3.Listing;
using Irsa.S3.Metadata;
using Irsa.S3.Multipart;
using Irsa.S3.Objects;
using Irsa.S3.Operations;
using Irsa.S3.Policies;
using Irsa.S3.Protocol;
using Irsa.Storage;

namespace Irsa.S3;

/// <summary>
/// The S3 engine: the operation catalog bound to its handlers over a document store (metadata) and a blob store
/// (bytes). The host addresses, authenticates, resolves with <see cref="Operations"/>, authorizes the resolved
/// action and ARN, then runs the operation's handler (or <see cref="ExecuteAsync"/>) and audits the result.
/// </summary>
public sealed class S3Engine
{
    private readonly BucketPolicyHandlers _policies;
    private readonly S3Context _context;

    public S3Engine(IDocumentStore store, IBlobStore blobs, S3EngineOptions? options = null)
    {
        var context = _context = new S3Context(new S3Metadata(store), blobs, options ?? new S3EngineOptions());
        var buckets = new BucketHandlers(context);
        var objects = new ObjectHandlers(context);
        var listing = new ListingHandlers(context);
        var multipart = new MultipartHandlers(context, objects);
        _policies = new BucketPolicyHandlers(context);
        const S3ResourceKind service = S3ResourceKind.Service, bucket = S3ResourceKind.Bucket, @object = S3ResourceKind.Object;
        S3Operation[] operations =
        [
            new("ListBuckets", "s3:ListAllMyBuckets", service, ReadOnly: true, IsDataEvent: false, buckets.ListBucketsAsync),
            new("CreateBucket", "s3:CreateBucket", bucket, ReadOnly: false, IsDataEvent: false, buckets.CreateBucketAsync),
            new("DeleteBucket", "s3:DeleteBucket", bucket, ReadOnly: false, IsDataEvent: false, buckets.DeleteBucketAsync),
            new("HeadBucket", "s3:ListBucket", bucket, ReadOnly: true, IsDataEvent: true, buckets.HeadBucketAsync),
            new("GetBucketLocation", "s3:GetBucketLocation", bucket, ReadOnly: true, IsDataEvent: false, buckets.GetBucketLocationAsync),
            new("ListObjects", "s3:ListBucket", bucket, ReadOnly: true, IsDataEvent: true, listing.ListObjectsAsync),
            new("ListObjectsV2", "s3:ListBucket", bucket, ReadOnly: true, IsDataEvent: true, listing.ListObjectsV2Async),
            new("ListObjectVersions", "s3:ListBucketVersions", bucket, ReadOnly: true, IsDataEvent: true, listing.ListObjectVersionsAsync),
            new("PutBucketPolicy", "s3:PutBucketPolicy", bucket, ReadOnly: false, IsDataEvent: false, _policies.PutAsync),
            new("GetBucketPolicy", "s3:GetBucketPolicy", bucket, ReadOnly: true, IsDataEvent: false, _policies.GetAsync),
            new("DeleteBucketPolicy", "s3:DeleteBucketPolicy", bucket, ReadOnly: false, IsDataEvent: false, _policies.DeleteAsync),
            new("GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", bucket, ReadOnly: true, IsDataEvent: false, _policies.GetStatusAsync),
            new("PutObject", "s3:PutObject", @object, ReadOnly: false, IsDataEvent: true, objects.PutObjectAsync),
            new("GetObject", "s3:GetObject", @object, ReadOnly: true, IsDataEvent: true, objects.GetObjectAsync),
            new("HeadObject", "s3:GetObject", @object, ReadOnly: true, IsDataEvent: true, objects.HeadObjectAsync),
            new("DeleteObject", "s3:DeleteObject", @object, ReadOnly: false, IsDataEvent: true, objects.DeleteObjectAsync),
            new("DeleteObjects", "s3:DeleteObject", bucket, ReadOnly: false, IsDataEvent: true, objects.DeleteObjectsAsync, AuthorizedPerKey: true),
            new("CopyObject", "s3:PutObject", @object, ReadOnly: false, IsDataEvent: true, objects.CopyObjectAsync),
            new("CreateMultipartUpload", "s3:PutObject", @object, ReadOnly: false, IsDataEvent: true, multipart.CreateAsync),
            new("UploadPart", "s3:PutObject", @object, ReadOnly: false, IsDataEvent: true, multipart.UploadPartAsync),
            new("UploadPartCopy", "s3:PutObject", @object, ReadOnly: false, IsDataEvent: true, multipart.UploadPartCopyAsync),
            new("CompleteMultipartUpload", "s3:PutObject", @object, ReadOnly: false, IsDataEvent: true, multipart.CompleteAsync,
                ChecksumHeadersDescribeBody: false),
            new("AbortMultipartUpload", "s3:AbortMultipartUpload", @object, ReadOnly: false, IsDataEvent: true, multipart.AbortAsync),
            new("ListParts", "s3:ListMultipartUploadParts", @object, ReadOnly: true, IsDataEvent: true, multipart.ListPartsAsync),
            new("ListMultipartUploads", "s3:ListBucketMultipartUploads", bucket, ReadOnly: true, IsDataEvent: true, multipart.ListUploadsAsync),
        ];
        Operations = new S3Operations(operations.Select(o => o with { Handler = CheckingExpectedOwner(o.Handler) }));
    }

    public S3Operations Operations { get; }

    /// <summary>
    /// <c>x-amz-expected-bucket-owner</c>: a request naming another owner than the bucket's is refused with 403
    /// before its handler runs (it protects callers from writing into a bucket that changed hands).
    /// </summary>
    private S3Handler CheckingExpectedOwner(S3Handler handler) => async (request, cancellationToken) =>
    {
        if (request.Bucket is { } bucket && request.Headers["x-amz-expected-bucket-owner"] is { } expected)
        {
            var owner = await _context.Metadata.GetBucketAsync(bucket, cancellationToken);
            if (owner is not null && owner.OwnerAccountId != expected.Trim())
            {
                throw new Core.Aws.AwsErrorException(S3Errors.AccessDenied());
            }
        }

        return await handler(request, cancellationToken);
    };

    /// <summary>Resolves and runs a request whose primary action the host has already authorized.</summary>
    public Task<S3Response> ExecuteAsync(S3Request request, CancellationToken cancellationToken = default)
    {
        var resolved = Operations.Resolve(request.Method, request.Bucket, request.Key, request.Query, request.Headers);
        return resolved.Operation.Handler(request, cancellationToken);
    }

    /// <summary>For the host's authorizer: the bucket's owner and policy text (null when none); null when no such bucket.</summary>
    public Task<BucketPolicyInfo?> GetBucketPolicyAsync(string bucket, CancellationToken cancellationToken = default) =>
        _policies.GetPolicyAsync(bucket, cancellationToken);
}
