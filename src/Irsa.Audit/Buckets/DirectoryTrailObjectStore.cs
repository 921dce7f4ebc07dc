using System.Text.Json;

namespace Irsa.Audit.Buckets;

/// <summary>
/// Buckets as folders: <c>ROOT/BUCKET/KEY</c> holds an object's bytes and <c>ROOT/BUCKET/KEY.metadata.json</c> its
/// content type, encoding and user metadata. For tests, and for keeping a copy of the trail on another disk.
/// </summary>
public sealed class DirectoryTrailObjectStore(string root) : ITrailObjectStore
{
    public const string MetadataSuffix = ".metadata.json";

    public string Root => root;

    public Task EnsureBucketAsync(string accountId, string bucket, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(BucketPath(bucket));
        return Task.CompletedTask;
    }

    public async Task PutObjectAsync(TrailObject trailObject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trailObject);
        if (!Directory.Exists(BucketPath(trailObject.Bucket)))
        {
            throw new DirectoryNotFoundException($"NoSuchBucket: {trailObject.Bucket}");
        }

        var path = ObjectPath(trailObject.Bucket, trailObject.Key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var metadata = new Dictionary<string, object>
        {
            ["ContentType"] = TrailObject.ContentType,
            ["ContentEncoding"] = TrailObject.ContentEncoding,
            ["Metadata"] = trailObject.Metadata,
        };
        await File.WriteAllBytesAsync(path + MetadataSuffix, JsonSerializer.SerializeToUtf8Bytes(metadata), cancellationToken);
        await using var source = File.OpenRead(trailObject.ContentPath);
        await using var target = File.Create(path);
        await source.CopyToAsync(target, cancellationToken);
    }

    /// <summary>The path of an object's bytes.</summary>
    public string ObjectPath(string bucket, string key) => Path.Combine(BucketPath(bucket), key.Replace('/', Path.DirectorySeparatorChar));

    private string BucketPath(string bucket) => Path.Combine(root, bucket);
}
