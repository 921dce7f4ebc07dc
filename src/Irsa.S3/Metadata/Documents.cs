using System.Text.Json.Serialization;
using Irsa.S3.Integrity;

namespace Irsa.S3.Metadata;

/// <summary>A bucket: its owner account and the region it was created in.</summary>
internal sealed record BucketDocument(string Name, string OwnerAccountId, DateTimeOffset CreationDate, string Region);

/// <summary>A bucket policy, stored exactly as the client sent it.</summary>
internal sealed record BucketPolicyDocument(string Bucket, string PolicyText);

/// <summary>One <c>x-amz-meta-*</c> entry; the name is stored lower-cased without its prefix.</summary>
public sealed record UserMetadataEntry(string Name, string Value);

/// <summary>The headers S3 stores with an object and returns on GET and HEAD.</summary>
public sealed record ObjectHeaders(
    string? ContentType,
    string? ContentEncoding,
    string? ContentDisposition,
    string? ContentLanguage,
    string? CacheControl,
    string? Expires,
    IReadOnlyList<UserMetadataEntry> UserMetadata);

/// <summary>A stored checksum: the base64 value (<c>…-N</c> when composite) and how it covers the object.</summary>
internal sealed record StoredChecksum(
    [property: JsonConverter(typeof(JsonStringEnumConverter<ChecksumAlgorithm>))] ChecksumAlgorithm Algorithm,
    string Value,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ChecksumType>))] ChecksumType Type);

/// <summary>A part of a multipart object, kept for <c>GET ?partNumber=N</c>.</summary>
internal sealed record ObjectPart(long Size, string? Checksum);

/// <summary>An object's metadata; its bytes are the blob <see cref="BlobId"/>. Replaced whole on every write.</summary>
internal sealed record ObjectDocument(
    string Bucket,
    string Key,
    string BlobId,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    ObjectHeaders Headers,
    StoredChecksum? Checksum,
    IReadOnlyList<ObjectPart>? Parts,
    string OwnerAccountId);

/// <summary>What a finished multipart upload answered, so a repeated Complete answers the same.</summary>
internal sealed record CompletedUpload(string ETag, StoredChecksum? Checksum);

/// <summary>A multipart upload in progress (or completed, kept for repeated Completes).</summary>
internal sealed record UploadDocument(
    string Bucket,
    string Key,
    string UploadId,
    DateTimeOffset Initiated,
    string OwnerAccountId,
    ObjectHeaders Headers,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ChecksumAlgorithm>))] ChecksumAlgorithm? ChecksumAlgorithm,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ChecksumType>))] ChecksumType? ChecksumType,
    CompletedUpload? Completed);

/// <summary>An uploaded part: its blob, MD5 ETag (unquoted hex) and the checksum of the upload's algorithm.</summary>
internal sealed record PartDocument(
    string UploadId,
    int PartNumber,
    string BlobId,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ChecksumAlgorithm>))] ChecksumAlgorithm? ChecksumAlgorithm,
    string? Checksum);
