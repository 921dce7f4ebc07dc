using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Xml;
using Irsa.Core.Aws;
using Irsa.S3.Buckets;
using Irsa.S3.Integrity;
using Irsa.S3.Metadata;
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
        var page = await ListPageAsync(request, query, NullIfEmpty(marker), cancellationToken);
        // ListObjects (v1) echoes Prefix as sent even with encoding-type=url (botocore decodes only Delimiter, Marker,
        // NextMarker and the entries of a v1 listing); only text XML cannot carry is encoded.
        var reply = new ListingReply("ListBucketResult", query.EncodeUnlessXmlText(query.Prefix),
            (w, document) => WriteContents(w, query, document, withOwner: true))
        {
            Markers =
            [
                ("Marker", query.Encode(marker ?? "")),
                // Without a delimiter clients continue from the last key; S3 sends NextMarker only with one.
                ("NextMarker", page.IsTruncated && query.Delimiter is not null ? query.Encode(page.LastItem!) : null),
            ],
        };
        return Reply(request, query, page, reply);
    }

    public async Task<S3Response> ListObjectsV2Async(S3Request request, CancellationToken cancellationToken)
    {
        var query = ListQuery.Parse(request, "max-keys");
        var token = request.QueryValue("continuation-token");
        var startAfter = request.QueryValue("start-after");
        // The token wins over start-after; both are echoed.
        var resumeAfter = token is not null ? ContinuationTokens.Decode(token, "continuation-token") : NullIfEmpty(startAfter);
        var fetchOwner = string.Equals(request.QueryValue("fetch-owner"), "true", StringComparison.OrdinalIgnoreCase);
        var page = await ListPageAsync(request, query, resumeAfter, cancellationToken);
        var reply = new ListingReply("ListBucketResult", query.Encode(query.Prefix),
            (w, document) => WriteContents(w, query, document, fetchOwner))
        {
            IsV2 = true,
            Tokens =
            [
                ("ContinuationToken", token),
                ("NextContinuationToken", page.IsTruncated ? ContinuationTokens.Encode(page.LastItem!) : null),
                ("StartAfter", startAfter is null ? null : query.Encode(startAfter)),
            ],
        };
        return Reply(request, query, page, reply);
    }

    public async Task<S3Response> ListObjectVersionsAsync(S3Request request, CancellationToken cancellationToken)
    {
        var query = ListQuery.Parse(request, "max-keys");
        var keyMarker = request.QueryValue("key-marker");
        var page = await ListPageAsync(request, query, NullIfEmpty(keyMarker), cancellationToken);
        var reply = new ListingReply("ListVersionsResult", query.Encode(query.Prefix),
            (w, document) => WriteVersion(w, query, document))
        {
            Markers =
            [
                ("KeyMarker", query.Encode(keyMarker ?? "")),
                ("VersionIdMarker", request.QueryValue("version-id-marker") ?? ""),
                ("NextKeyMarker", page.IsTruncated ? query.Encode(page.LastItem!) : null),
                ("NextVersionIdMarker", page.IsTruncated ? "null" : null),
            ],
        };
        return Reply(request, query, page, reply);
    }

    private async Task<ListingPage> ListPageAsync(S3Request request, ListQuery query, string? resumeAfter, CancellationToken cancellationToken)
    {
        await context.Metadata.RequireBucketAsync(request.Bucket!, cancellationToken);
        return await _lister.ListAsync(request.Bucket!, query.Prefix, query.Delimiter, resumeAfter, query.MaxKeys, cancellationToken);
    }

    /// <summary>What differs between the three list replies; elements whose value is null are left out.</summary>
    private sealed record ListingReply(string Root, string Prefix, Action<XmlWriter, ObjectDocument> WriteEntry)
    {
        /// <summary>Written between Prefix and MaxKeys (ListObjects v1, ListObjectVersions).</summary>
        public (string Name, string? Value)[] Markers { get; init; } = [];

        /// <summary>Written after IsTruncated (ListObjectsV2).</summary>
        public (string Name, string? Value)[] Tokens { get; init; } = [];

        /// <summary>ListObjectsV2 writes Delimiter right after Prefix, and KeyCount.</summary>
        public bool IsV2 { get; init; }
    }

    private static S3Response Reply(S3Request request, ListQuery query, ListingPage page, ListingReply reply) =>
        S3Response.Xml(S3Xml.Document(reply.Root, w =>
        {
            w.Element("Name", request.Bucket);
            w.Element("Prefix", reply.Prefix);
            if (reply.IsV2)
            {
                w.Element("Delimiter", query.Encode(query.Delimiter));
            }

            WriteElements(w, reply.Markers);
            w.Element("MaxKeys", query.MaxKeys);
            if (!reply.IsV2)
            {
                w.Element("Delimiter", query.Encode(query.Delimiter));
            }

            w.Element("EncodingType", query.EncodingType);
            if (reply.IsV2)
            {
                w.Element("KeyCount", page.Count);
            }

            w.Element("IsTruncated", page.IsTruncated);
            WriteElements(w, reply.Tokens);
            foreach (var document in page.Contents)
            {
                reply.WriteEntry(w, document);
            }

            foreach (var commonPrefix in page.CommonPrefixes)
            {
                w.Element("CommonPrefixes", p => p.Element("Prefix", query.Encode(commonPrefix)));
            }
        }));

    private static void WriteElements(XmlWriter writer, (string Name, string? Value)[] elements)
    {
        foreach (var (name, value) in elements)
        {
            writer.Element(name, value);
        }
    }

    private static void WriteContents(XmlWriter writer, ListQuery query, ObjectDocument document, bool withOwner) =>
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

    private static void WriteVersion(XmlWriter writer, ListQuery query, ObjectDocument document) =>
        writer.Element("Version", v =>
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
        [return: NotNullIfNotNull(nameof(value))]
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
                return Encode(value);
            }
        }
    }
}
