using System.Globalization;
using System.Xml;
using Irsa.Core.Aws;
using Irsa.S3.Buckets;
using Irsa.S3.Integrity;
using Irsa.S3.Protocol;
using Irsa.S3.Xml;

namespace Irsa.S3.Listing;

/// <summary>ListObjects (v1), ListObjectsV2 and the minimal ListObjectVersions of an unversioned bucket.</summary>
internal sealed class ListingHandlers(S3Context context)
{
    private const int PageLimit = 1000;
    private readonly ObjectLister _lister = new(context.Metadata);

    public async Task<S3Response> ListObjectsAsync(S3Request request, CancellationToken cancellationToken)
    {
        var query = ListQuery.Parse(request, "max-keys");
        var marker = request.QueryValue("marker");
        await context.Metadata.RequireBucketAsync(request.Bucket!, cancellationToken);
        var page = await _lister.ListAsync(request.Bucket!, query.Prefix, query.Delimiter, NullIfEmpty(marker), query.MaxKeys, cancellationToken);
        var body = S3Xml.Document("ListBucketResult", w =>
        {
            w.Element("Name", request.Bucket);
            // ListObjects (v1) echoes Prefix as sent even with encoding-type=url (botocore decodes only Delimiter, Marker,
            // NextMarker and the entries of a v1 listing); only text XML cannot carry is encoded.
            w.Element("Prefix", query.EncodeUnlessXmlText(query.Prefix));
            w.Element("Marker", query.Encode(marker ?? ""));
            // Without a delimiter clients continue from the last key; S3 sends NextMarker only with one.
            if (page.IsTruncated && query.Delimiter is not null)
            {
                w.Element("NextMarker", query.Encode(page.LastItem!));
            }

            w.Element("MaxKeys", query.MaxKeys);
            w.Element("Delimiter", query.Encode(query.Delimiter));
            w.Element("EncodingType", query.EncodingType);
            w.Element("IsTruncated", page.IsTruncated);
            WriteEntries(w, page, query, withOwner: true);
        });
        return S3Response.Xml(body);
    }

    public async Task<S3Response> ListObjectsV2Async(S3Request request, CancellationToken cancellationToken)
    {
        var query = ListQuery.Parse(request, "max-keys");
        var token = request.QueryValue("continuation-token");
        var startAfter = request.QueryValue("start-after");
        // The token wins over start-after; both are echoed.
        var resumeAfter = token is not null ? ContinuationTokens.Decode(token, "continuation-token") : NullIfEmpty(startAfter);
        var fetchOwner = string.Equals(request.QueryValue("fetch-owner"), "true", StringComparison.OrdinalIgnoreCase);
        await context.Metadata.RequireBucketAsync(request.Bucket!, cancellationToken);
        var page = await _lister.ListAsync(request.Bucket!, query.Prefix, query.Delimiter, resumeAfter, query.MaxKeys, cancellationToken);
        var body = S3Xml.Document("ListBucketResult", w =>
        {
            w.Element("Name", request.Bucket);
            w.Element("Prefix", query.Encode(query.Prefix));
            w.Element("Delimiter", query.Encode(query.Delimiter));
            w.Element("MaxKeys", query.MaxKeys);
            w.Element("EncodingType", query.EncodingType);
            w.Element("KeyCount", page.Count);
            w.Element("IsTruncated", page.IsTruncated);
            w.Element("ContinuationToken", token);
            if (page.IsTruncated)
            {
                w.Element("NextContinuationToken", ContinuationTokens.Encode(page.LastItem!));
            }

            w.Element("StartAfter", startAfter is null ? null : query.Encode(startAfter));
            WriteEntries(w, page, query, fetchOwner);
        });
        return S3Response.Xml(body);
    }

    public async Task<S3Response> ListObjectVersionsAsync(S3Request request, CancellationToken cancellationToken)
    {
        var query = ListQuery.Parse(request, "max-keys");
        var keyMarker = request.QueryValue("key-marker");
        await context.Metadata.RequireBucketAsync(request.Bucket!, cancellationToken);
        var page = await _lister.ListAsync(request.Bucket!, query.Prefix, query.Delimiter, NullIfEmpty(keyMarker), query.MaxKeys, cancellationToken);
        var body = S3Xml.Document("ListVersionsResult", w =>
        {
            w.Element("Name", request.Bucket);
            w.Element("Prefix", query.Encode(query.Prefix));
            w.Element("KeyMarker", query.Encode(keyMarker ?? ""));
            w.Element("VersionIdMarker", request.QueryValue("version-id-marker") ?? "");
            if (page.IsTruncated)
            {
                w.Element("NextKeyMarker", query.Encode(page.LastItem!));
                w.Element("NextVersionIdMarker", "null");
            }

            w.Element("MaxKeys", query.MaxKeys);
            w.Element("Delimiter", query.Encode(query.Delimiter));
            w.Element("EncodingType", query.EncodingType);
            w.Element("IsTruncated", page.IsTruncated);
            foreach (var document in page.Contents)
            {
                w.Element("Version", v =>
                {
                    v.Element("Key", query.Encode(document.Key));
                    v.Element("VersionId", "null");
                    v.Element("IsLatest", true);
                    v.Element("LastModified", S3Formats.XmlTime(document.LastModified));
                    v.Element("ETag", S3Formats.QuotedETag(document.ETag));
                    v.Element("Size", document.Size);
                    v.Element("StorageClass", "STANDARD");
                    BucketHandlers.WriteOwner(v, "Owner", document.OwnerAccountId);
                });
            }

            WriteCommonPrefixes(w, page, query);
        });
        return S3Response.Xml(body);
    }

    private static void WriteEntries(XmlWriter writer, ListingPage page, ListQuery query, bool withOwner)
    {
        foreach (var document in page.Contents)
        {
            writer.Element("Contents", c =>
            {
                c.Element("Key", query.Encode(document.Key));
                c.Element("LastModified", S3Formats.XmlTime(document.LastModified));
                c.Element("ETag", S3Formats.QuotedETag(document.ETag));
                if (document.Checksum is { } checksum)
                {
                    c.Element("ChecksumAlgorithm", ChecksumNames.Name(checksum.Algorithm));
                    c.Element("ChecksumType", ChecksumNames.TypeName(checksum.Type));
                }

                c.Element("Size", document.Size);
                if (withOwner)
                {
                    BucketHandlers.WriteOwner(c, "Owner", document.OwnerAccountId);
                }

                c.Element("StorageClass", "STANDARD");
            });
        }

        WriteCommonPrefixes(writer, page, query);
    }

    private static void WriteCommonPrefixes(XmlWriter writer, ListingPage page, ListQuery query)
    {
        foreach (var commonPrefix in page.CommonPrefixes)
        {
            writer.Element("CommonPrefixes", p => p.Element("Prefix", query.Encode(commonPrefix)));
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>The parameters every list call shares: prefix, delimiter, the page size and the encoding type.</summary>
    internal sealed record ListQuery(string Prefix, string? Delimiter, int MaxKeys, string? EncodingType)
    {
        public static ListQuery Parse(S3Request request, string maxKeysName)
        {
            var maxKeys = PageLimit;
            if (request.QueryValue(maxKeysName) is { } text)
            {
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out maxKeys) || maxKeys < 0)
                {
                    throw new AwsErrorException(S3Errors.InvalidArgument("Provided max-keys not an integer or within integer range", maxKeysName, text));
                }

                maxKeys = Math.Min(maxKeys, PageLimit);
            }

            var encodingType = request.QueryValue("encoding-type");
            if (encodingType is not null && !string.Equals(encodingType, "url", StringComparison.OrdinalIgnoreCase))
            {
                throw new AwsErrorException(S3Errors.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encodingType));
            }

            var delimiter = request.QueryValue("delimiter");
            return new ListQuery(request.QueryValue("prefix") ?? "", string.IsNullOrEmpty(delimiter) ? null : delimiter, maxKeys,
                encodingType is null ? null : "url");
        }

        /// <summary>With <c>encoding-type=url</c>, names are percent-encoded as S3 does; otherwise verbatim.</summary>
        public string? Encode(string? value) => value is null || EncodingType is null ? value : S3Formats.UrlEncode(value);

        /// <summary>Verbatim when XML can carry the text; otherwise as <see cref="Encode"/>.</summary>
        public string EncodeUnlessXmlText(string value)
        {
            try
            {
                System.Xml.XmlConvert.VerifyXmlChars(value);
                return value;
            }
            catch (System.Xml.XmlException)
            {
                return Encode(value)!;
            }
        }
    }
}
