using Irsa.Core.Aws;
using Irsa.S3.Blobs;
using Irsa.S3.Integrity;
using Irsa.S3.Metadata;
using Irsa.S3.Protocol;

namespace Irsa.S3;

/// <summary>What every handler shares: the metadata collections, the blob store, the options, and the common steps.</summary>
internal sealed class S3Context(S3Metadata metadata, IBlobStore blobs, S3EngineOptions options)
{
    /// <summary>The buffer of a copy from a blob to a response.</summary>
    public const int CopyBufferSize = 81920;

    public S3Metadata Metadata => metadata;

    public IBlobStore Blobs => blobs;

    public S3EngineOptions Options => options;

    public static string BucketArn(string bucket) => "arn:aws:s3:::" + bucket;

    public static string ObjectArn(string bucket, string key) => "arn:aws:s3:::" + bucket + "/" + key;

    /// <summary>
    /// Streams a verified payload into a new blob (hashes computed beside the write, bounded buffers); the blob is
    /// committed only after the payload reached its end with every integrity check passed, otherwise the temporary
    /// bytes are discarded.
    /// </summary>
    public async Task<string> StoreBlobAsync(RequestPayload payload, CancellationToken cancellationToken, long? maxBytes = null)
    {
        await using var writer = blobs.BeginWrite();
        await payload.CopyVerifiedToAsync(writer.Content, maxBytes ?? options.MaxObjectSize, cancellationToken);
        return await writer.CommitAsync(cancellationToken);
    }

    /// <summary>Refuses a body whose declared size is already over the limit, before reading any of it.</summary>
    public void CheckDeclaredSize(S3Headers headers)
    {
        var declared = headers["x-amz-decoded-content-length"] ?? headers["Content-Length"];
        if (long.TryParse(declared, out var size) && size > options.MaxObjectSize)
        {
            throw new AwsErrorException(S3Errors.EntityTooLarge(size, options.MaxObjectSize));
        }
    }

    /// <summary>Deletes blobs a metadata change released; a failure leaves an unreferenced file, never a broken object.</summary>
    public void DeleteBlobs(IEnumerable<string?> blobIds)
    {
        foreach (var blobId in blobIds)
        {
            if (blobId is not null)
            {
                try
                {
                    blobs.Delete(blobId);
                }
                catch (IOException)
                {
                    // Still referenced by an open reader on some platforms; it is unreachable from metadata either way.
                }
            }
        }
    }

    /// <summary>S3's answer for a missing key: NoSuchKey only when the caller may list the bucket, else AccessDenied.</summary>
    public static async Task<AwsErrorException> MissingKeyAsync(S3Request request, string bucket, string key, CancellationToken cancellationToken) =>
        new(await request.Authorize("s3:ListBucket", BucketArn(bucket), null, cancellationToken)
            ? S3Errors.NoSuchKey(key)
            : S3Errors.AccessDenied());

    /// <summary>Object keys are at most 1024 UTF-8 bytes.</summary>
    public static void CheckKey(string key)
    {
        var size = System.Text.Encoding.UTF8.GetByteCount(key);
        if (size > 1024)
        {
            throw new AwsErrorException(S3Errors.KeyTooLong(size));
        }
    }

    /// <summary>Only the null version exists: buckets are never versioned here.</summary>
    public static void CheckVersionId(string? versionId)
    {
        if (versionId is not null && versionId != "null")
        {
            throw new AwsErrorException(S3Errors.InvalidArgument("Invalid version id specified", "versionId", versionId));
        }
    }

    public static string NewId(int bytes) => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes));
}
