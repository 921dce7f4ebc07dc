using Irsa.Audit.Buckets;
using Irsa.Core.Aws;
using Irsa.S3;
using Irsa.S3.Integrity;
using Irsa.S3.Protocol;

namespace Irsa.Server.Audit;

/// <summary>
/// The trail's buckets in Irsa's own S3: CloudTrail's service principal writes its log and digest files there, as AWS
/// writes a trail's bucket under the bucket policy's grant. It calls the engine directly: a service writing its own
/// output is not a caller's request (no signature, no identity policy), and so is not itself a record of the trail.
/// </summary>
public sealed class S3TrailObjectStore(S3Engine engine, TimeProvider time) : ITrailObjectStore
{
    private static readonly S3Authorizer Service = (_, _, _, _) => ValueTask.FromResult(true);

    public async Task EnsureBucketAsync(string accountId, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            await engine.ExecuteAsync(Request("PUT", accountId, bucket, null, S3Headers.Empty, RequestPayload.Empty), cancellationToken);
        }
        catch (AwsErrorException error) when (error.Error.Code == "BucketAlreadyOwnedByYou")
        {
            // Created on an earlier start: the trail's bucket lives as long as the trail.
        }
    }

    public async Task PutObjectAsync(TrailObject trailObject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trailObject);
        var owner = await engine.GetBucketPolicyAsync(trailObject.Bucket, cancellationToken)
            ?? throw new InvalidOperationException($"The trail's bucket {trailObject.Bucket} does not exist.");
        await using var content = File.OpenRead(trailObject.ContentPath);
        var headers = new S3Headers(
        [
            KeyValuePair.Create("Content-Type", TrailObject.ContentType),
            KeyValuePair.Create("Content-Encoding", TrailObject.ContentEncoding),
            KeyValuePair.Create("Content-Length", content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            .. trailObject.Metadata.Select(m => KeyValuePair.Create("x-amz-meta-" + m.Key, m.Value)),
        ]);
        await engine.ExecuteAsync(Request("PUT", owner.OwnerAccountId, trailObject.Bucket, trailObject.Key, headers,
            RequestPayload.ForBody(content, headers)), cancellationToken);
    }

    private S3Request Request(string method, string accountId, string bucket, string? key, S3Headers headers, RequestPayload body) => new()
    {
        Method = method,
        Bucket = bucket,
        Key = key,
        Headers = headers,
        Body = body,
        OwnerAccountId = accountId,
        RequestId = AwsIds.NewRequestId(),
        Now = time.GetUtcNow(),
        Authorize = Service,
    };
}
