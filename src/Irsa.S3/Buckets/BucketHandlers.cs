using System.Text.RegularExpressions;
using Irsa.Core.Aws;
using Irsa.S3.Metadata;
using Irsa.S3.Protocol;
using Irsa.S3.Xml;
using Irsa.Storage;

namespace Irsa.S3.Buckets;

/// <summary>CreateBucket, DeleteBucket, HeadBucket, ListBuckets and GetBucketLocation.</summary>
internal sealed partial class BucketHandlers(S3Context context)
{
    private const string UsEast1 = "us-east-1";

    public async Task<S3Response> CreateBucketAsync(S3Request request, CancellationToken cancellationToken)
    {
        var name = request.Bucket!;
        if (!BucketNames.IsValid(name))
        {
            throw new AwsErrorException(S3Errors.InvalidBucketName(name));
        }

        CheckLocationConstraint(await ReadLocationConstraintAsync(request, cancellationToken));
        var bucket = new BucketDocument(name, request.OwnerAccountId, S3Formats.WholeSeconds(request.Now), context.Options.Region);
        await context.Metadata.Store.TransactAsync(async session =>
        {
            var existing = await session.GetAsync<BucketDocument>(S3Metadata.Buckets, name);
            if (existing is not null)
            {
                // us-east-1's legacy: creating a bucket you already own there succeeds and changes nothing.
                if (existing.OwnerAccountId == request.OwnerAccountId && context.Options.Region == UsEast1)
                {
                    return;
                }

                throw new AwsErrorException(existing.OwnerAccountId == request.OwnerAccountId
                    ? S3Errors.BucketAlreadyOwnedByYou(name)
                    : S3Errors.BucketAlreadyExists(name));
            }

            await session.PutAsync(S3Metadata.Buckets, name, bucket, expectedVersion: 0);
            await session.PutAsync(S3Metadata.AccountBuckets, S3Metadata.AccountBucketKey(bucket.OwnerAccountId, name), bucket);
        }, cancellationToken);
        return new S3Response().WithHeader("Location", "/" + name);
    }

    public async Task<S3Response> DeleteBucketAsync(S3Request request, CancellationToken cancellationToken)
    {
        var name = request.Bucket!;
        var releasedBlobs = await context.Metadata.Store.TransactAsync(async session =>
        {
            var bucket = await S3Metadata.RequireBucketAsync(session, name);
            if ((await session.ListAsync(S3Metadata.Objects, S3Metadata.ObjectKey(name, ""), null, 1)).Count > 0)
            {
                throw new AwsErrorException(S3Errors.BucketNotEmpty(name));
            }

            // Uploads in progress (and completed-upload records) go with the bucket.
            var blobs = new List<string>();
            foreach (var upload in await session.ListAsync<UploadDocument>(S3Metadata.Uploads, S3Metadata.UploadKey(name, "")))
            {
                foreach (var part in await session.ListAsync<PartDocument>(S3Metadata.Parts, upload.UploadId + "/"))
                {
                    blobs.Add(part.BlobId);
                    await session.DeleteAsync(S3Metadata.Parts, S3Metadata.PartKey(upload.UploadId, part.PartNumber));
                }

                await session.DeleteAsync(S3Metadata.Uploads, S3Metadata.UploadKey(name, upload.UploadId));
            }

            await session.DeleteAsync(S3Metadata.BucketPolicies, name);
            await session.DeleteAsync(S3Metadata.AccountBuckets, S3Metadata.AccountBucketKey(bucket.OwnerAccountId, name));
            await session.DeleteAsync(S3Metadata.Buckets, name);
            return blobs;
        }, cancellationToken);
        context.DeleteBlobs(releasedBlobs);
        return S3Response.NoContent();
    }

    public async Task<S3Response> HeadBucketAsync(S3Request request, CancellationToken cancellationToken)
    {
        var bucket = await context.Metadata.RequireBucketAsync(request.Bucket!, cancellationToken);
        return new S3Response()
            .WithHeader("x-amz-bucket-region", bucket.Region)
            .WithHeader("x-amz-access-point-alias", "false");
    }

    public async Task<S3Response> GetBucketLocationAsync(S3Request request, CancellationToken cancellationToken)
    {
        var bucket = await context.Metadata.RequireBucketAsync(request.Bucket!, cancellationToken);
        // us-east-1 is the empty constraint, as botocore expects.
        var body = S3Xml.Document("LocationConstraint", w => w.WriteString(bucket.Region == UsEast1 ? "" : bucket.Region));
        return S3Response.Xml(body);
    }

    public async Task<S3Response> ListBucketsAsync(S3Request request, CancellationToken cancellationToken)
    {
        var maxBuckets = 10000;
        if (request.QueryValue("max-buckets") is { } maxText && (!int.TryParse(maxText, out maxBuckets) || maxBuckets is < 1 or > 10000))
        {
            throw new AwsErrorException(S3Errors.InvalidArgument("Argument max-buckets must be an integer between 1 and 10000.", "max-buckets", maxText));
        }

        var prefix = request.QueryValue("prefix") ?? "";
        var token = request.QueryValue("continuation-token");
        var after = string.IsNullOrEmpty(token) ? null : ContinuationTokens.Decode(token, "continuation-token");
        var accountPrefix = S3Metadata.AccountBucketKey(request.OwnerAccountId, "");
        // Bucket names are ASCII, so the store's prefix test is exact here.
        var page = await context.Metadata.Store.ListAsync(S3Metadata.AccountBuckets, accountPrefix + prefix,
            after is null ? null : accountPrefix + after, maxBuckets + 1, cancellationToken);
        var buckets = page.Select(d => d.Read<BucketDocument>()!)
            .ToList();
        var truncated = buckets.Count > maxBuckets;
        if (truncated)
        {
            buckets.RemoveRange(maxBuckets, buckets.Count - maxBuckets);
        }

        var body = S3Xml.Document("ListAllMyBucketsResult", w =>
        {
            WriteOwner(w, "Owner", request.OwnerAccountId);
            w.Element("Buckets", b =>
            {
                foreach (var bucket in buckets)
                {
                    b.Element("Bucket", e =>
                    {
                        e.Element("Name", bucket.Name);
                        e.Element("CreationDate", S3Formats.XmlTime(bucket.CreationDate));
                        e.Element("BucketRegion", bucket.Region);
                    });
                }
            });
            if (truncated)
            {
                w.Element("ContinuationToken", ContinuationTokens.Encode(buckets[^1].Name));
            }

            if (request.QueryValue("prefix") is { } echoed)
            {
                w.Element("Prefix", echoed);
            }
        });
        return S3Response.Xml(body);
    }

    /// <summary>S3 shows the account as the owner's ID and display name.</summary>
    public static void WriteOwner(System.Xml.XmlWriter writer, string element, string accountId) =>
        writer.Element(element, o =>
        {
            o.Element("ID", accountId);
            o.Element("DisplayName", accountId);
        });

    private static async Task<string?> ReadLocationConstraintAsync(S3Request request, CancellationToken cancellationToken)
    {
        var bytes = await request.Body.ReadBoundedAsync(S3Xml.MaxRequestDocumentBytes, cancellationToken)
            ?? throw new AwsErrorException(S3Errors.MalformedXml());
        if (bytes.Length == 0)
        {
            return null;
        }

        var root = S3Xml.Parse(bytes);
        if (root is null || root.Name.LocalName != "CreateBucketConfiguration")
        {
            throw new AwsErrorException(S3Errors.MalformedXml());
        }

        return root.ChildValue("LocationConstraint");
    }

    private void CheckLocationConstraint(string? constraint)
    {
        var region = context.Options.Region;
        if (string.IsNullOrEmpty(constraint))
        {
            if (region != UsEast1)
            {
                throw new AwsErrorException(S3Errors.IllegalLocationConstraint(null));
            }

            return;
        }

        if (constraint == UsEast1 || !RegionName().IsMatch(constraint))
        {
            throw new AwsErrorException(S3Errors.InvalidLocationConstraint(constraint));
        }

        if (constraint != region)
        {
            throw new AwsErrorException(S3Errors.IllegalLocationConstraint(constraint));
        }
    }

    [GeneratedRegex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")]
    private static partial Regex RegionName();
}
