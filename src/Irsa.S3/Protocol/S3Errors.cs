using Irsa.Core.Aws;

namespace Irsa.S3.Protocol;

/// <summary>S3's error vocabulary: codes, statuses and messages as AWS words them, with the extra elements S3 adds.</summary>
public static class S3Errors
{
    public const long MinPartSize = 5L * 1024 * 1024;

    public static AwsError NoSuchBucket(string bucket) =>
        new("NoSuchBucket", "The specified bucket does not exist", 404) { Details = [new("BucketName", bucket)] };

    public static AwsError NoSuchKey(string key) =>
        new("NoSuchKey", "The specified key does not exist.", 404) { Details = [new("Key", key)] };

    public static AwsError NoSuchUpload(string uploadId) =>
        new("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", 404)
        { Details = [new("UploadId", uploadId)] };

    public static AwsError NoSuchBucketPolicy(string bucket) =>
        new("NoSuchBucketPolicy", "The bucket policy does not exist", 404) { Details = [new("BucketName", bucket)] };

    public static AwsError AccessDenied() => new("AccessDenied", "Access Denied", 403);

    public static AwsError InvalidBucketName(string bucket) =>
        new("InvalidBucketName", "The specified bucket is not valid.", 400) { Details = [new("BucketName", bucket)] };

    public static AwsError BucketAlreadyOwnedByYou(string bucket) =>
        new("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409)
        { Details = [new("BucketName", bucket)] };

    public static AwsError BucketAlreadyExists(string bucket) =>
        new("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", 409)
        { Details = [new("BucketName", bucket)] };

    public static AwsError BucketNotEmpty(string bucket) =>
        new("BucketNotEmpty", "The bucket you tried to delete is not empty", 409) { Details = [new("BucketName", bucket)] };

    public static AwsError InvalidLocationConstraint(string constraint) =>
        new("InvalidLocationConstraint", "The specified location-constraint is not valid", 400) { Details = [new("LocationConstraint", constraint)] };

    public static AwsError IllegalLocationConstraint(string? constraint) =>
        new("IllegalLocationConstraintException",
            $"The {(string.IsNullOrEmpty(constraint) ? "unspecified" : constraint)} location constraint is incompatible for the region specific endpoint this request was sent to.", 400);

    public static AwsError MalformedXml() =>
        new("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);

    public static AwsError MalformedPolicy(string message) => new("MalformedPolicy", message, 400);

    public static AwsError InvalidArgument(string message, string name, string value) =>
        new("InvalidArgument", message, 400) { Details = [new("ArgumentName", name), new("ArgumentValue", value)] };

    public static AwsError InvalidRequest(string message) => new("InvalidRequest", message, 400);

    public static AwsError MethodNotAllowed(string method, string resourceType) =>
        new("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
        { Details = [new("Method", method), new("ResourceType", resourceType)] };

    public static AwsError NotImplemented() =>
        new("NotImplemented", "A header you provided implies functionality that is not implemented", 501);

    public static AwsError PreconditionFailed(string condition) =>
        new("PreconditionFailed", "At least one of the preconditions you specified did not hold.", 412) { Details = [new("Condition", condition)] };

    public static AwsError InvalidRange(string requested, long size) =>
        new("InvalidRange", "The requested range is not satisfiable", 416)
        { Details = [new("RangeRequested", requested), new("ActualObjectSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture))] };

    public static AwsError EntityTooLarge(long proposed, long max) =>
        new("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400)
        {
            Details = [new("ProposedSize", proposed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("MaxSizeAllowed", max.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        };

    public static AwsError EntityTooSmall(long proposed, int partNumber, string etag) =>
        new("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400)
        {
            Details = [new("ProposedSize", proposed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("MinSizeAllowed", MinPartSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("PartNumber", partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("ETag", etag)],
        };

    public static AwsError InvalidPart(string? uploadId, int partNumber, string etag) =>
        new("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", 400)
        {
            Details = [.. (uploadId is null ? [] : new KeyValuePair<string, string>[] { new("UploadId", uploadId) }),
                new("PartNumber", partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("ETag", etag)],
        };

    public static AwsError InvalidPartOrder() =>
        new("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", 400);

    public static AwsError KeyTooLong(int size) =>
        new("KeyTooLongError", "Your key is too long", 400)
        { Details = [new("Size", size.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("MaxSizeAllowed", "1024")] };

    public static AwsError MetadataTooLarge(int size) =>
        new("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.", 400)
        { Details = [new("Size", size.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("MaxSizeAllowed", "2048")] };

    public static AwsError InvalidDigest(string contentMd5) =>
        new("InvalidDigest", "The Content-MD5 you specified was invalid.", 400) { Details = [new("Content-MD5", contentMd5)] };

    public static AwsError BadDigestMd5(string expected, string calculated) =>
        new("BadDigest", "The Content-MD5 you specified did not match what we received.", 400)
        { Details = [new("ExpectedDigest", expected), new("CalculatedDigest", calculated)] };

    public static AwsError BadDigestChecksum(string algorithmName) =>
        new("BadDigest", $"The {algorithmName} you specified did not match the calculated checksum.", 400);

    public static AwsError ContentSha256Mismatch(string clientComputed, string computed) =>
        new("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400)
        { Details = [new("ClientComputedContentSHA256", clientComputed), new("S3ComputedContentSHA256", computed)] };

    public static AwsError NoSuchVersion() => new("NoSuchVersion", "The specified version does not exist.", 404);

    public static AwsError InvalidPartNumber(string requested, int partCount) =>
        new("InvalidPartNumber", "The requested partnumber is not satisfiable", 416)
        { Details = [new("PartNumberRequested", requested), new("ActualPartCount", partCount.ToString(System.Globalization.CultureInfo.InvariantCulture))] };

    public static AwsError MissingContentMd5() =>
        InvalidRequest("Missing required header for this request: Content-MD5");
}
