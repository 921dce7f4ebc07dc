using System.Globalization;
using Irsa.Core.Aws;
using Irsa.S3.Protocol;
using Irsa.Storage;
using Irsa.Storage.Caching;

namespace Irsa.S3.Metadata;

/// <summary>
/// The S3 collections in the document store and their key layouts.
/// </summary>
/// <remarks>
/// Note: objects are keyed <c>bucket/key</c>, so a listing page is one ordered range query
/// (<see cref="IDocumentStore.ListAsync"/> with a prefix, an exclusive start and a limit) and never loads the bucket.
/// Both backends order keys by their UTF-8 bytes (SQLite BINARY, PostgreSQL COLLATE "C"), S3's listing order.
/// </remarks>
internal sealed class S3Metadata(IDocumentStore store)
{
    public const string Buckets = "s3-buckets";
    public const string AccountBuckets = "s3-account-buckets";
    public const string BucketPolicies = "s3-bucket-policies";
    public const string Objects = "s3-objects";
    public const string Uploads = "s3-uploads";
    public const string Parts = "s3-parts";

    public IDocumentStore Store => store;

    public static string ObjectKey(string bucket, string key) => bucket + "/" + key;

    public static string AccountBucketKey(string accountId, string bucket) => accountId + "/" + bucket;

    public static string UploadKey(string bucket, string uploadId) => bucket + "/" + uploadId;

    public static string PartKey(string uploadId, int partNumber) =>
        uploadId + "/" + partNumber.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>Every request reads its bucket, most read an object: each stored version is deserialized once.</summary>
    private readonly DocumentViews<BucketDocument> _buckets = new(store, Buckets);
    private readonly DocumentViews<BucketPolicyDocument> _policies = new(store, BucketPolicies);
    private readonly DocumentViews<ObjectDocument> _objects = new(store, Objects);

    public Task<BucketDocument?> GetBucketAsync(string bucket, CancellationToken cancellationToken) =>
        _buckets.GetAsync(bucket, cancellationToken);

    public Task<BucketPolicyDocument?> GetBucketPolicyAsync(string bucket, CancellationToken cancellationToken) =>
        _policies.GetAsync(bucket, cancellationToken);

    public async Task<BucketDocument> RequireBucketAsync(string bucket, CancellationToken cancellationToken) =>
        await GetBucketAsync(bucket, cancellationToken) ?? throw new AwsErrorException(S3Errors.NoSuchBucket(bucket));

    public Task<ObjectDocument?> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken) =>
        _objects.GetAsync(ObjectKey(bucket, key), cancellationToken);

    public static async Task<BucketDocument> RequireBucketAsync(IDocumentSession session, string bucket) =>
        await session.GetAsync<BucketDocument>(Buckets, bucket) ?? throw new AwsErrorException(S3Errors.NoSuchBucket(bucket));

    /// <summary>
    /// Objects of a bucket in key order strictly after <paramref name="afterKey"/>, at most <paramref name="limit"/>,
    /// narrowed to <paramref name="prefix"/> by the store when it can compare the prefix exactly.
    /// </summary>
    public async Task<IReadOnlyList<ObjectDocument>> ScanObjectsAsync(string bucket, string prefix, string? afterKey, int limit,
        CancellationToken cancellationToken)
    {
        // The SQL prefix test counts characters, .NET counts UTF-16 units: they agree unless the prefix has surrogates.
        var storePrefix = ObjectKey(bucket, prefix.Any(char.IsSurrogate) ? "" : prefix);
        var documents = await store.ListAsync(Objects, storePrefix, afterKey is null ? null : ObjectKey(bucket, afterKey), limit, cancellationToken);
        return [.. documents.Select(d => d.Read<ObjectDocument>()!)];
    }
}
