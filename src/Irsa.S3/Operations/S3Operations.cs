using Irsa.Core.Aws;
using Irsa.S3.Protocol;

namespace Irsa.S3.Operations;

/// <summary>
/// The S3 catalog: every supported operation and the one function that maps (method, bucket, key, query, headers)
/// to it. The JS SDK's <c>x-id</c> parameter is never looked at; sub-resources S3 has but Irsa does not implement
/// answer 501 NotImplemented, methods S3 does not know 405 MethodNotAllowed.
/// </summary>
public sealed class S3Operations
{
    /// <summary>Sub-resources of real S3 that are outside this subset.</summary>
    private static readonly HashSet<string> UnsupportedSubresources = new(StringComparer.Ordinal)
    {
        "accelerate", "acl", "analytics", "attributes", "cors", "encryption", "intelligent-tiering", "inventory", "legal-hold",
        "lifecycle", "logging", "metadataTable", "metrics", "notification", "object-lock", "ownershipControls",
        "publicAccessBlock", "replication", "requestPayment", "restore", "retention", "select", "tagging", "torrent",
        "versioning", "website", "renameObject", "session",
    };

    private readonly Dictionary<string, S3Operation> _byName;

    internal S3Operations(IEnumerable<S3Operation> operations) =>
        _byName = operations.ToDictionary(o => o.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<S3Operation> All => _byName.Values;

    public S3Operation this[string name] => _byName[name];

    /// <summary>Resolves a request; unknown combinations throw the error S3 answers with.</summary>
    public S3ResolvedOperation Resolve(string method, string? bucket, string? key, IReadOnlyDictionary<string, string> query, S3Headers headers)
    {
        var name = NameOf(method.ToUpperInvariant(), bucket, key, query, headers);
        var operation = _byName[name];
        var arn = operation.Resource switch
        {
            S3ResourceKind.Service => "*",
            S3ResourceKind.Bucket => S3Context.BucketArn(bucket!),
            _ => S3Context.ObjectArn(bucket!, key!),
        };
        return new S3ResolvedOperation(operation, arn, ConditionKeys(name, query, headers));
    }

    private static string NameOf(string method, string? bucket, string? key, IReadOnlyDictionary<string, string> query, S3Headers headers)
    {
        bool Has(string parameter) => query.ContainsKey(parameter);
        if (method is not ("GET" or "HEAD" or "PUT" or "POST" or "DELETE"))
        {
            throw new AwsErrorException(S3Errors.MethodNotAllowed(method, bucket is null ? "SERVICE" : key is null ? "BUCKET" : "OBJECT"));
        }

        if (query.Keys.FirstOrDefault(UnsupportedSubresources.Contains) is not null)
        {
            throw new AwsErrorException(S3Errors.NotImplemented());
        }

        if (bucket is null)
        {
            return method == "GET" ? "ListBuckets" : throw new AwsErrorException(S3Errors.MethodNotAllowed(method, "SERVICE"));
        }

        var copy = headers.Contains("x-amz-copy-source");
        if (key is null)
        {
            return method switch
            {
                "GET" when Has("location") => "GetBucketLocation",
                "GET" when Has("policyStatus") => "GetBucketPolicyStatus",
                "GET" when Has("policy") => "GetBucketPolicy",
                "GET" when Has("uploads") => "ListMultipartUploads",
                "GET" when Has("versions") => "ListObjectVersions",
                "GET" when query.GetValueOrDefault("list-type") == "2" => "ListObjectsV2",
                "GET" => "ListObjects",
                "HEAD" => "HeadBucket",
                "PUT" when Has("policy") => "PutBucketPolicy",
                "PUT" => "CreateBucket",
                "DELETE" when Has("policy") => "DeleteBucketPolicy",
                "DELETE" => "DeleteBucket",
                "POST" when Has("delete") => "DeleteObjects",
                _ => throw new AwsErrorException(S3Errors.NotImplemented()), // POST object (browser forms)
            };
        }

        return method switch
        {
            "GET" when Has("uploadId") => "ListParts",
            "GET" => "GetObject",
            "HEAD" => "HeadObject",
            "PUT" when Has("uploadId") && Has("partNumber") => copy ? "UploadPartCopy" : "UploadPart",
            "PUT" when copy => "CopyObject",
            "PUT" => "PutObject",
            "DELETE" when Has("uploadId") => "AbortMultipartUpload",
            "DELETE" => "DeleteObject",
            "POST" when Has("uploads") => "CreateMultipartUpload",
            "POST" when Has("uploadId") => "CompleteMultipartUpload",
            _ => throw new AwsErrorException(S3Errors.NotImplemented()),
        };
    }

    /// <summary>The S3 condition keys a request supplies; present-but-empty values stay "".</summary>
    private static Dictionary<string, string> ConditionKeys(string name, IReadOnlyDictionary<string, string> query, S3Headers headers)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (name is "ListObjects" or "ListObjectsV2" or "ListObjectVersions")
        {
            foreach (var parameter in new[] { "prefix", "delimiter", "max-keys" })
            {
                if (query.TryGetValue(parameter, out var value))
                {
                    keys["s3:" + parameter] = value;
                }
            }
        }

        if (query.TryGetValue("versionId", out var versionId))
        {
            keys["s3:VersionId"] = versionId;
        }

        foreach (var header in new[] { "x-amz-copy-source", "x-amz-metadata-directive", "x-amz-acl", "x-amz-storage-class",
                     "x-amz-server-side-encryption", "x-amz-content-sha256" })
        {
            if (headers[header] is { } value)
            {
                keys["s3:" + header] = header == "x-amz-copy-source" ? Uri.UnescapeDataString(value.TrimStart('/')) : value;
            }
        }

        return keys;
    }
}
