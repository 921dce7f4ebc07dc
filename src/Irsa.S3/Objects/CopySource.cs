using Irsa.Core.Aws;
using Irsa.S3.Metadata;
using Irsa.S3.Protocol;

namespace Irsa.S3.Objects;

/// <summary>The object named by <c>x-amz-copy-source</c> (<c>b/k</c>, <c>/b/k</c>, <c>…?versionId=</c>, key URL-encoded).</summary>
internal sealed record CopySource(string Bucket, string Key, string? VersionId)
{
    public static CopySource Parse(string header)
    {
        var text = header;
        string? versionId = null;
        var query = text.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            const string versionParameter = "versionId=";
            var parameters = text[(query + 1)..];
            text = text[..query];
            if (parameters.StartsWith(versionParameter, StringComparison.Ordinal))
            {
                versionId = Uri.UnescapeDataString(parameters[versionParameter.Length..]);
            }
        }

        var decoded = Uri.UnescapeDataString(text);
        if (decoded.StartsWith('/'))
        {
            decoded = decoded[1..];
        }

        var slash = decoded.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == decoded.Length - 1)
        {
            throw new AwsErrorException(S3Errors.InvalidArgument(
                "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", header));
        }

        return new CopySource(decoded[..slash], decoded[(slash + 1)..], versionId);
    }

    /// <summary>
    /// The source object, after the caller's s3:GetObject on it is allowed and its <c>x-amz-copy-source-if-*</c>
    /// conditions hold.
    /// </summary>
    public async Task<ObjectDocument> ResolveAsync(S3Context context, S3Request request, CancellationToken cancellationToken)
    {
        S3Context.CheckVersionId(VersionId);
        if (!await request.Authorize("s3:GetObject", S3Context.ObjectArn(Bucket, Key), null, cancellationToken))
        {
            throw new AwsErrorException(S3Errors.AccessDenied());
        }

        await context.Metadata.RequireBucketAsync(Bucket, cancellationToken);
        var source = await context.Metadata.GetObjectAsync(Bucket, Key, cancellationToken)
            ?? throw await S3Context.MissingKeyAsync(request, Bucket, Key, cancellationToken);
        Preconditions.EvaluateCopySource(request.Headers, source);
        return source;
    }
}
