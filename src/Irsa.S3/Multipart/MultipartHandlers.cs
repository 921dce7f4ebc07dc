using System.Globalization;
using System.Security.Cryptography;
using System.Xml;
using Irsa.Core.Aws;
using Irsa.S3.Buckets;
using Irsa.S3.Integrity;
using Irsa.S3.Metadata;
using Irsa.S3.Objects;
using Irsa.S3.Protocol;
using Irsa.S3.Xml;
using Irsa.Storage;

namespace Irsa.S3.Multipart;

/// <summary>
/// CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload, ListParts and
/// ListMultipartUploads. Parts are blobs of their own; Complete streams them, in order, into one new blob.
/// </summary>
internal sealed class MultipartHandlers(S3Context context, ObjectHandlers objects)
{
    private const int MaxPartNumber = 10000;
    private const int PageLimit = 1000;

    /// <summary>AWS's object size limit (5 TiB) applies to an assembled multipart object.</summary>
    private const long MaxMultipartObjectSize = 5L * 1024 * 1024 * 1024 * 1024;

    public async Task<S3Response> CreateAsync(S3Request request, CancellationToken cancellationToken)
    {
        var (bucket, key) = (request.Bucket!, request.Key!);
        S3Context.CheckKey(key);
        var headers = ObjectHeaderCodec.FromRequest(request.Headers);
        var algorithm = ObjectHandlers.ParseChecksumAlgorithmHeader(request.Headers);
        var type = ParseChecksumType(request.Headers["x-amz-checksum-type"], algorithm);
        await context.Metadata.RequireBucketAsync(bucket, cancellationToken);
        var upload = new UploadDocument(bucket, key, S3Context.NewId(24), S3Formats.WholeSeconds(request.Now), request.OwnerAccountId,
            headers, algorithm, type, null);
        await context.Metadata.Store.TransactAsync(async session =>
        {
            await S3Metadata.RequireBucketAsync(session, bucket);
            await session.PutAsync(S3Metadata.Uploads, S3Metadata.UploadKey(bucket, upload.UploadId), upload, expectedVersion: 0);
        }, cancellationToken);

        var response = S3Response.Xml(S3Xml.Document("InitiateMultipartUploadResult", w =>
        {
            w.Element("Bucket", bucket);
            w.Element("Key", key);
            w.Element("UploadId", upload.UploadId);
        }));
        if (algorithm is { } named)
        {
            response.WithHeader("x-amz-checksum-algorithm", ChecksumNames.Name(named));
            response.WithHeader("x-amz-checksum-type", ChecksumNames.TypeName(type!.Value));
        }

        return response;
    }

    public async Task<S3Response> UploadPartAsync(S3Request request, CancellationToken cancellationToken)
    {
        var partNumber = ParsePartNumber(request);
        var upload = await RequireActiveUploadAsync(request, cancellationToken);
        context.CheckDeclaredSize(request.Headers);
        var payload = request.Body;
        if (upload.ChecksumAlgorithm is { } required)
        {
            if (payload.ClientChecksum is { } sent && sent != required)
            {
                throw new AwsErrorException(ChecksumTypeMismatch(required, sent));
            }

            payload.AlsoCompute(required);
        }

        var blobId = await context.StoreBlobAsync(payload, cancellationToken);
        var algorithm = upload.ChecksumAlgorithm ?? payload.ClientChecksum ?? payload.SdkChecksumAlgorithm;
        var part = new PartDocument(upload.UploadId, partNumber, blobId, payload.BytesRead, Convert.ToHexStringLower(payload.Md5),
            S3Formats.WholeSeconds(request.Now), algorithm, algorithm is { } a ? Convert.ToBase64String(payload.Digest(a)!) : null);
        await CommitPartAsync(upload, part, cancellationToken);

        var response = new S3Response { BytesTransferredIn = payload.BytesRead }.WithHeader("ETag", S3Formats.QuotedETag(part.ETag));
        if (part.ChecksumAlgorithm is { } partAlgorithm)
        {
            response.WithHeader(ChecksumNames.HeaderName(partAlgorithm), part.Checksum!);
        }

        return response;
    }

    public async Task<S3Response> UploadPartCopyAsync(S3Request request, CancellationToken cancellationToken)
    {
        var partNumber = ParsePartNumber(request);
        var sourceName = CopySource.Parse(request.Headers["x-amz-copy-source"]!);
        var upload = await RequireActiveUploadAsync(request, cancellationToken);
        var source = await sourceName.ResolveAsync(context, request, cancellationToken);
        ByteRange? range = request.Headers["x-amz-copy-source-range"] is { } rangeHeader
            ? ByteRange.ParseCopySourceRange(rangeHeader, source.Size)
            : null;
        if ((range?.Length ?? source.Size) > context.Options.MaxObjectSize)
        {
            throw new AwsErrorException(S3Errors.EntityTooLarge(range?.Length ?? source.Size, context.Options.MaxObjectSize));
        }

        var copied = await objects.CopyBytesAsync(source, range, upload.ChecksumAlgorithm, cancellationToken);
        var algorithm = upload.ChecksumAlgorithm;
        var part = new PartDocument(upload.UploadId, partNumber, copied.BlobId, copied.Size, copied.Md5Hex, S3Formats.WholeSeconds(request.Now),
            algorithm, algorithm is { } a ? Convert.ToBase64String(copied.Digest(a)!) : null);
        await CommitPartAsync(upload, part, cancellationToken);

        return S3Response.Xml(S3Xml.Document("CopyPartResult", w =>
        {
            w.Element("LastModified", S3Formats.XmlTime(part.LastModified));
            w.Element("ETag", S3Formats.QuotedETag(part.ETag));
            if (part.ChecksumAlgorithm is { } partAlgorithm)
            {
                w.Element(ChecksumNames.ElementName(partAlgorithm), part.Checksum);
            }
        }));
    }

    public async Task<S3Response> CompleteAsync(S3Request request, CancellationToken cancellationToken)
    {
        var upload = await GetUploadAsync(request, cancellationToken);
        if (upload?.Completed is { } completed)
        {
            // A repeated Complete (a retry after a lost response) answers what the first one did.
            return CompleteResult(upload, completed);
        }

        if (upload is null)
        {
            throw new AwsErrorException(S3Errors.NoSuchUpload(request.QueryValue("uploadId")!));
        }

        var requested = ParseCompleteRequest(await S3Xml.ReadAsync(request.Body, cancellationToken));
        var stored = (await context.Metadata.Store.ListAsync(S3Metadata.Parts, upload.UploadId + "/", null, int.MaxValue, cancellationToken))
            .Select(d => d.Read<PartDocument>()!)
            .ToDictionary(p => p.PartNumber);
        var parts = MatchParts(upload, requested, stored);

        var etag = MultipartETag(parts.Select(p => p.ETag));
        var checksum = await AssembleAsync(request, upload, parts, cancellationToken);
        var document = new ObjectDocument(upload.Bucket, upload.Key, checksum.BlobId, parts.Sum(p => p.Size), etag, S3Formats.WholeSeconds(request.Now),
            upload.Headers, checksum.Checksum, [.. parts.Select(p => new ObjectPart(p.Size, p.Checksum))], upload.OwnerAccountId);
        var result = new CompletedUpload(etag, checksum.Checksum);
        var uploadKey = S3Metadata.UploadKey(upload.Bucket, upload.UploadId);
        await objects.CommitObjectAsync(request, document, cancellationToken, async session =>
        {
            var current = await session.GetAsync<UploadDocument>(S3Metadata.Uploads, uploadKey);
            if (current is null || current.Completed is not null)
            {
                throw new AwsErrorException(S3Errors.NoSuchUpload(upload.UploadId));
            }

            await session.PutAsync(S3Metadata.Uploads, uploadKey, current with { Completed = result });
            foreach (var part in stored.Values)
            {
                await session.DeleteAsync(S3Metadata.Parts, S3Metadata.PartKey(upload.UploadId, part.PartNumber));
            }
        });
        context.DeleteBlobs(stored.Values.Select(p => p.BlobId));
        return CompleteResult(upload, result);
    }

    public async Task<S3Response> AbortAsync(S3Request request, CancellationToken cancellationToken)
    {
        var upload = await RequireActiveUploadAsync(request, cancellationToken);
        var released = await context.Metadata.Store.TransactAsync(async session =>
        {
            var blobs = new List<string>();
            foreach (var part in await session.ListAsync<PartDocument>(S3Metadata.Parts, upload.UploadId + "/"))
            {
                blobs.Add(part.BlobId);
                await session.DeleteAsync(S3Metadata.Parts, S3Metadata.PartKey(upload.UploadId, part.PartNumber));
            }

            await session.DeleteAsync(S3Metadata.Uploads, S3Metadata.UploadKey(upload.Bucket, upload.UploadId));
            return blobs;
        }, cancellationToken);
        context.DeleteBlobs(released);
        return S3Response.NoContent();
    }

    public async Task<S3Response> ListPartsAsync(S3Request request, CancellationToken cancellationToken)
    {
        var upload = await RequireActiveUploadAsync(request, cancellationToken);
        var maxParts = ParseLimit(request, "max-parts");
        var markerText = request.QueryValue("part-number-marker");
        var marker = 0;
        if (markerText is not null && (!int.TryParse(markerText, NumberStyles.None, CultureInfo.InvariantCulture, out marker) || marker > MaxPartNumber))
        {
            throw new AwsErrorException(S3Errors.InvalidArgument("Provided part-number-marker not an integer or within integer range", "part-number-marker", markerText));
        }

        var page = (await context.Metadata.Store.ListAsync(S3Metadata.Parts, upload.UploadId + "/",
                marker == 0 ? null : S3Metadata.PartKey(upload.UploadId, marker), maxParts + 1, cancellationToken))
            .Select(d => d.Read<PartDocument>()!)
            .ToList();
        var truncated = page.Count > maxParts;
        page = [.. page.Take(maxParts)];

        return S3Response.Xml(S3Xml.Document("ListPartsResult", w =>
        {
            w.Element("Bucket", upload.Bucket);
            w.Element("Key", upload.Key);
            w.Element("UploadId", upload.UploadId);
            w.Element("PartNumberMarker", marker);
            w.Element("NextPartNumberMarker", page.Count == 0 ? 0 : page[^1].PartNumber);
            w.Element("MaxParts", maxParts);
            w.Element("IsTruncated", truncated);
            foreach (var part in page)
            {
                w.Element("Part", p =>
                {
                    p.Element("PartNumber", part.PartNumber);
                    p.Element("LastModified", S3Formats.XmlTime(part.LastModified));
                    p.Element("ETag", S3Formats.QuotedETag(part.ETag));
                    p.Element("Size", part.Size);
                    if (part.ChecksumAlgorithm is { } algorithm)
                    {
                        p.Element(ChecksumNames.ElementName(algorithm), part.Checksum);
                    }
                });
            }

            BucketHandlers.WriteOwner(w, "Initiator", upload.OwnerAccountId);
            BucketHandlers.WriteOwner(w, "Owner", upload.OwnerAccountId);
            w.Element("StorageClass", "STANDARD");
            WriteChecksumSettings(w, upload);
        }));
    }

    /// <summary>
    /// Lists a bucket's uploads in progress. Bound: it reads every upload record of the bucket (in progress and
    /// completed), which stays small because completed uploads are forgotten with the bucket and clients abort
    /// or complete the rest; objects never go through this path.
    /// </summary>
    public async Task<S3Response> ListUploadsAsync(S3Request request, CancellationToken cancellationToken)
    {
        var bucket = request.Bucket!;
        var maxUploads = ParseLimit(request, "max-uploads");
        var prefix = request.QueryValue("prefix") ?? "";
        var delimiter = request.QueryValue("delimiter");
        var keyMarker = request.QueryValue("key-marker") ?? "";
        var uploadIdMarker = request.QueryValue("upload-id-marker") ?? "";
        var encode = string.Equals(request.QueryValue("encoding-type"), "url", StringComparison.OrdinalIgnoreCase);
        await context.Metadata.RequireBucketAsync(bucket, cancellationToken);
        var all = (await context.Metadata.Store.ListAsync<UploadDocument>(S3Metadata.Uploads, S3Metadata.UploadKey(bucket, ""), cancellationToken))
            .Where(u => u.Completed is null && u.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Order(Comparer<UploadDocument>.Create(CompareUploads))
            .ToList();

        var uploads = new List<UploadDocument>();
        var commonPrefixes = new List<string>();
        var truncated = false;
        foreach (var upload in all)
        {
            var keyOrder = S3Formats.CompareUtf8(upload.Key, keyMarker);
            if (keyMarker.Length > 0 && (keyOrder < 0 || (keyOrder == 0 && (uploadIdMarker.Length == 0 || string.CompareOrdinal(upload.UploadId, uploadIdMarker) <= 0))))
            {
                continue;
            }

            var commonPrefix = string.IsNullOrEmpty(delimiter) ? null : Listing.ObjectLister.CommonPrefixOf(upload.Key, prefix, delimiter);
            if (commonPrefix is not null && commonPrefixes.Count > 0 && commonPrefixes[^1] == commonPrefix)
            {
                continue;
            }

            if (uploads.Count + commonPrefixes.Count == maxUploads)
            {
                truncated = true;
                break;
            }

            if (commonPrefix is null)
            {
                uploads.Add(upload);
            }
            else
            {
                commonPrefixes.Add(commonPrefix);
            }
        }

        string? Encode(string? value) => value is null || !encode ? value : S3Formats.UrlEncode(value);
        return S3Response.Xml(S3Xml.Document("ListMultipartUploadsResult", w =>
        {
            w.Element("Bucket", bucket);
            w.Element("KeyMarker", Encode(keyMarker));
            w.Element("UploadIdMarker", uploadIdMarker);
            w.Element("NextKeyMarker", Encode(uploads.Count > 0 ? uploads[^1].Key : ""));
            w.Element("NextUploadIdMarker", uploads.Count > 0 ? uploads[^1].UploadId : "");
            w.Element("Delimiter", Encode(string.IsNullOrEmpty(delimiter) ? null : delimiter));
            w.Element("Prefix", Encode(prefix));
            w.Element("MaxUploads", maxUploads);
            w.Element("EncodingType", encode ? "url" : null);
            w.Element("IsTruncated", truncated);
            foreach (var upload in uploads)
            {
                w.Element("Upload", u =>
                {
                    u.Element("Key", Encode(upload.Key));
                    u.Element("UploadId", upload.UploadId);
                    BucketHandlers.WriteOwner(u, "Initiator", upload.OwnerAccountId);
                    BucketHandlers.WriteOwner(u, "Owner", upload.OwnerAccountId);
                    u.Element("StorageClass", "STANDARD");
                    u.Element("Initiated", S3Formats.XmlTime(upload.Initiated));
                    WriteChecksumSettings(u, upload);
                });
            }

            foreach (var commonPrefix in commonPrefixes)
            {
                w.Element("CommonPrefixes", p => p.Element("Prefix", Encode(commonPrefix)));
            }
        }));

        static int CompareUploads(UploadDocument left, UploadDocument right)
        {
            var byKey = S3Formats.CompareUtf8(left.Key, right.Key);
            return byKey != 0 ? byKey : left.Initiated != right.Initiated ? left.Initiated.CompareTo(right.Initiated) : string.CompareOrdinal(left.UploadId, right.UploadId);
        }
    }

    /// <summary>The multipart ETag: hex(MD5(concatenated binary part MD5s)) + "-N".</summary>
    internal static string MultipartETag(IEnumerable<string> partMd5Hexes)
    {
        var partDigests = partMd5Hexes.Select(Convert.FromHexString).ToList();
#pragma warning disable CA5351 // S3 defines the multipart ETag with MD5.
        var digest = MD5.HashData(partDigests.SelectMany(d => d).ToArray());
#pragma warning restore CA5351
        return Convert.ToHexStringLower(digest) + "-" + partDigests.Count.ToString(CultureInfo.InvariantCulture);
    }

    private static void WriteChecksumSettings(XmlWriter writer, UploadDocument upload)
    {
        if (upload.ChecksumAlgorithm is { } algorithm)
        {
            writer.Element("ChecksumAlgorithm", ChecksumNames.Name(algorithm));
            writer.Element("ChecksumType", ChecksumNames.TypeName(upload.ChecksumType!.Value));
        }
    }

    private static S3Response CompleteResult(UploadDocument upload, CompletedUpload completed) =>
        S3Response.Xml(S3Xml.Document("CompleteMultipartUploadResult", w =>
        {
            w.Element("Location", "/" + upload.Bucket + "/" + upload.Key);
            w.Element("Bucket", upload.Bucket);
            w.Element("Key", upload.Key);
            w.Element("ETag", S3Formats.QuotedETag(completed.ETag));
            if (completed.Checksum is { } checksum)
            {
                w.Element(ChecksumNames.ElementName(checksum.Algorithm), checksum.Value);
                w.Element("ChecksumType", ChecksumNames.TypeName(checksum.Type));
            }
        }));

    /// <summary>One <c>&lt;Part&gt;</c> of a Complete request.</summary>
    private sealed record RequestedPart(int PartNumber, string ETag, IReadOnlyDictionary<ChecksumAlgorithm, string> Checksums);

    private static List<RequestedPart> ParseCompleteRequest(System.Xml.Linq.XElement root)
    {
        if (root.Name.LocalName != "CompleteMultipartUpload")
        {
            throw new AwsErrorException(S3Errors.MalformedXml());
        }

        var parts = new List<RequestedPart>();
        foreach (var element in root.Children("Part"))
        {
            if (!int.TryParse(element.ChildValue("PartNumber")?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                || element.ChildValue("ETag") is not { } etag)
            {
                throw new AwsErrorException(S3Errors.MalformedXml());
            }

            var checksums = ChecksumNames.All
                .Select(a => (Algorithm: a, Value: element.ChildValue(ChecksumNames.ElementName(a))))
                .Where(c => c.Value is not null)
                .ToDictionary(c => c.Algorithm, c => c.Value!.Trim());
            parts.Add(new RequestedPart(number, S3Formats.UnquotedETag(etag), checksums));
        }

        if (parts.Count == 0)
        {
            throw new AwsErrorException(S3Errors.MalformedXml());
        }

        return parts;
    }

    /// <summary>Complete's checks in S3's order: ascending numbers, each part present with its ETag, sizes, checksums.</summary>
    private static List<PartDocument> MatchParts(UploadDocument upload, List<RequestedPart> requested, Dictionary<int, PartDocument> stored)
    {
        for (var i = 1; i < requested.Count; i++)
        {
            if (requested[i].PartNumber <= requested[i - 1].PartNumber)
            {
                throw new AwsErrorException(S3Errors.InvalidPartOrder());
            }
        }

        var parts = new List<PartDocument>();
        foreach (var part in requested)
        {
            if (!stored.TryGetValue(part.PartNumber, out var found) || !string.Equals(found.ETag, part.ETag, StringComparison.OrdinalIgnoreCase))
            {
                throw new AwsErrorException(S3Errors.InvalidPart(upload.UploadId, part.PartNumber, part.ETag));
            }

            parts.Add(found);
        }

        for (var i = 0; i < parts.Count - 1; i++)
        {
            if (parts[i].Size < S3Errors.MinPartSize)
            {
                throw new AwsErrorException(S3Errors.EntityTooSmall(parts[i].Size, parts[i].PartNumber, S3Formats.QuotedETag(parts[i].ETag)));
            }
        }

        foreach (var (part, found) in requested.Zip(parts))
        {
            CheckPartChecksum(upload, part, found);
        }

        return parts;
    }

    /// <summary>
    /// An upload created with an algorithm needs that checksum for every part in Complete; without one, checksums
    /// that are sent are still verified but none is required.
    /// </summary>
    private static void CheckPartChecksum(UploadDocument upload, RequestedPart part, PartDocument found)
    {
        if (upload.ChecksumAlgorithm is { } required)
        {
            if (!part.Checksums.TryGetValue(required, out var value))
            {
                throw new AwsErrorException(part.Checksums.Count > 0
                    ? ChecksumTypeMismatch(required, part.Checksums.Keys.First())
                    : S3Errors.InvalidRequest($"The upload was created using a {ChecksumNames.Name(required).ToLowerInvariant()} checksum. The complete request must include the checksum for each part. It was missing for part {part.PartNumber} in the request."));
            }

            if (value != found.Checksum)
            {
                throw new AwsErrorException(S3Errors.InvalidPart(upload.UploadId, part.PartNumber, part.ETag));
            }

            return;
        }

        foreach (var (algorithm, value) in part.Checksums)
        {
            if (found.ChecksumAlgorithm == algorithm && value != found.Checksum)
            {
                throw new AwsErrorException(S3Errors.InvalidPart(upload.UploadId, part.PartNumber, part.ETag));
            }
        }
    }

    /// <summary>
    /// Streams the parts into one new blob and computes the upload's checksum: a full-object CRC over the bytes,
    /// or the composite hash of the part digests (<c>base64-N</c>). A Complete-level checksum header must match it.
    /// </summary>
    private async Task<(string BlobId, StoredChecksum? Checksum)> AssembleAsync(S3Request request, UploadDocument upload,
        List<PartDocument> parts, CancellationToken cancellationToken)
    {
        var stream = new ConcatenatedStream(parts.Select(p => (Func<Stream>)(() => context.Blobs.OpenRead(p.BlobId))));
        await using var payload = RequestPayload.ForBody(stream, S3Headers.Empty);
        var algorithm = upload.ChecksumAlgorithm;
        if (algorithm is { } fullObject && upload.ChecksumType == ChecksumType.FullObject)
        {
            payload.AlsoCompute(fullObject);
        }

        var blobId = await context.StoreBlobAsync(payload, cancellationToken, MaxMultipartObjectSize);
        if (algorithm is not { } named)
        {
            return (blobId, null);
        }

        var (digest, value) = upload.ChecksumType == ChecksumType.FullObject
            ? (payload.Digest(named)!, Convert.ToBase64String(payload.Digest(named)!))
            : CompositeChecksum(named, parts);
        if (request.Headers[ChecksumNames.HeaderName(named)] is { } expected
            && !string.Equals(expected.Split('-')[0].Trim(), Convert.ToBase64String(digest), StringComparison.Ordinal))
        {
            context.DeleteBlobs([blobId]);
            throw new AwsErrorException(S3Errors.BadDigestChecksum(ChecksumNames.Name(named)));
        }

        return (blobId, new StoredChecksum(named, value, upload.ChecksumType!.Value));
    }

    private static (byte[] Digest, string Value) CompositeChecksum(ChecksumAlgorithm algorithm, List<PartDocument> parts)
    {
        var concatenated = parts.SelectMany(p => Convert.FromBase64String(p.Checksum!)).ToArray();
        var digest = IncrementalChecksum.Compute(algorithm, concatenated);
        return (digest, Convert.ToBase64String(digest) + "-" + parts.Count.ToString(CultureInfo.InvariantCulture));
    }

    private async Task CommitPartAsync(UploadDocument upload, PartDocument part, CancellationToken cancellationToken)
    {
        string? replaced;
        try
        {
            replaced = await context.Metadata.Store.TransactAsync(async session =>
            {
                var current = await session.GetAsync<UploadDocument>(S3Metadata.Uploads, S3Metadata.UploadKey(upload.Bucket, upload.UploadId));
                if (current is null || current.Completed is not null)
                {
                    throw new AwsErrorException(S3Errors.NoSuchUpload(upload.UploadId));
                }

                var partKey = S3Metadata.PartKey(upload.UploadId, part.PartNumber);
                var previous = await session.GetAsync<PartDocument>(S3Metadata.Parts, partKey);
                await session.PutAsync(S3Metadata.Parts, partKey, part);
                return previous?.BlobId;
            }, cancellationToken);
        }
        catch
        {
            context.DeleteBlobs([part.BlobId]);
            throw;
        }

        context.DeleteBlobs([replaced]);
    }

    private async Task<UploadDocument?> GetUploadAsync(S3Request request, CancellationToken cancellationToken)
    {
        await context.Metadata.RequireBucketAsync(request.Bucket!, cancellationToken);
        var uploadId = request.QueryValue("uploadId")!;
        var upload = uploadId.Contains('/', StringComparison.Ordinal)
            ? null
            : await context.Metadata.Store.GetAsync<UploadDocument>(S3Metadata.Uploads, S3Metadata.UploadKey(request.Bucket!, uploadId), cancellationToken);
        return upload is not null && upload.Key == request.Key ? upload : null;
    }

    private async Task<UploadDocument> RequireActiveUploadAsync(S3Request request, CancellationToken cancellationToken)
    {
        var upload = await GetUploadAsync(request, cancellationToken);
        return upload is { Completed: null } ? upload : throw new AwsErrorException(S3Errors.NoSuchUpload(request.QueryValue("uploadId")!));
    }

    private static int ParsePartNumber(S3Request request)
    {
        var text = request.QueryValue("partNumber") ?? "";
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= MaxPartNumber
            ? number
            : throw new AwsErrorException(S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", text));
    }

    private static int ParseLimit(S3Request request, string name)
    {
        var text = request.QueryValue(name);
        if (text is null)
        {
            return PageLimit;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? Math.Min(value, PageLimit)
            : throw new AwsErrorException(S3Errors.InvalidArgument($"Provided {name} not an integer or within integer range", name, text));
    }

    /// <summary>
    /// The checksum type of an upload: FULL_OBJECT is only for the CRCs, COMPOSITE not for CRC64NVME; the default is
    /// FULL_OBJECT for CRC64NVME and COMPOSITE otherwise.
    /// </summary>
    private static ChecksumType? ParseChecksumType(string? text, ChecksumAlgorithm? algorithm)
    {
        if (text is null)
        {
            return algorithm is null ? null : algorithm == ChecksumAlgorithm.Crc64Nvme ? ChecksumType.FullObject : ChecksumType.Composite;
        }

        if (!ChecksumNames.TryParseType(text, out var type))
        {
            throw new AwsErrorException(S3Errors.InvalidRequest("Value for x-amz-checksum-type header is invalid."));
        }

        if (algorithm is not { } named)
        {
            throw new AwsErrorException(S3Errors.InvalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."));
        }

        var allowed = type == ChecksumType.FullObject
            ? named is ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme
            : named != ChecksumAlgorithm.Crc64Nvme;
        return allowed
            ? type
            : throw new AwsErrorException(S3Errors.InvalidRequest(
                $"The {ChecksumNames.TypeName(type)} checksum type cannot be used with the {ChecksumNames.Name(named).ToLowerInvariant()} checksum algorithm."));
    }

    private static AwsError ChecksumTypeMismatch(ChecksumAlgorithm expected, ChecksumAlgorithm actual) =>
        S3Errors.InvalidRequest($"Checksum Type mismatch occurred, expected checksum Type: {ChecksumNames.Name(expected).ToLowerInvariant()}, actual checksum Type: {ChecksumNames.Name(actual).ToLowerInvariant()}");
}
