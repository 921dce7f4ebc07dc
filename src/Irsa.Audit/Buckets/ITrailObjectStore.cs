namespace Irsa.Audit.Buckets;

/// <summary>
/// Where the trail delivers its log and digest files: an S3 bucket per account, written as CloudTrail's service
/// principal writes a trail's bucket. The host binds it to its S3 engine; <see cref="DirectoryTrailObjectStore"/> keeps
/// the objects in a folder.
/// </summary>
/// <remarks>Every call may fail (throw); the trail then retries later with the same bytes, so a put must be idempotent.</remarks>
public interface ITrailObjectStore
{
    /// <summary>Makes sure <paramref name="bucket"/> exists and is owned by <paramref name="accountId"/> (the trail's bucket is created with the trail).</summary>
    Task EnsureBucketAsync(string accountId, string bucket, CancellationToken cancellationToken);

    /// <summary>Stores one object, replacing any object of that key.</summary>
    Task PutObjectAsync(TrailObject trailObject, CancellationToken cancellationToken);
}

/// <summary>One object as CloudTrail puts it into a trail's bucket.</summary>
/// <param name="Bucket">The trail's bucket.</param>
/// <param name="Key">The object key (<c>[PREFIX/]AWSLogs/…</c>), exactly as digests name it.</param>
/// <param name="ContentPath">
/// The file under the trail's folder whose bytes (gzip, exactly as written) the object holds: stores stream it, since
/// an hour's log file of a busy server can be larger than a byte array.
/// </param>
/// <param name="Metadata">
/// User metadata without its <c>x-amz-meta-</c> prefix: on digests <c>signature</c> and <c>signature-algorithm</c>, which
/// validate-logs reads from <c>GetObject</c>'s <c>Metadata</c>; empty on log files.
/// </param>
public sealed record TrailObject(string Bucket, string Key, string ContentPath, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The <c>Content-Type</c> of every trail object: CloudTrail's files are JSON…</summary>
    public const string ContentType = "application/json";

    /// <summary>…compressed with gzip (<c>Content-Encoding</c>); validate-logs inflates the raw bytes itself.</summary>
    public const string ContentEncoding = "gzip";
}
