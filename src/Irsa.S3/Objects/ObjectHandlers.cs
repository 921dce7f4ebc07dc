using System.Buffers;
using Irsa.Core.Aws;
using Irsa.S3.Integrity;
using Irsa.S3.Metadata;
using Irsa.S3.Protocol;
using Irsa.S3.Xml;
using Irsa.Storage;

namespace Irsa.S3.Objects;

/// <summary>PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects and CopyObject.</summary>
internal sealed class ObjectHandlers(S3Context context)
{
    private const int MaxDeleteKeys = 1000;

    public async Task<S3Response> PutObjectAsync(S3Request request, CancellationToken cancellationToken)
    {
        var (bucket, key) = (request.Bucket!, request.Key!);
        S3Context.CheckKey(key);
        context.CheckDeclaredSize(request.Headers);
        var headers = ObjectHeaderCodec.FromRequest(request.Headers);
        await context.Metadata.RequireBucketAsync(bucket, cancellationToken);
        // Checked before reading the body so a refused write costs no upload; checked again at commit.
        Preconditions.EvaluateWrite(request.Headers, await context.Metadata.GetObjectAsync(bucket, key, cancellationToken), key);

        var payload = request.Body;
        var blobId = await context.StoreBlobAsync(payload, cancellationToken);
        var checksumAlgorithm = payload.ClientChecksum ?? payload.SdkChecksumAlgorithm;
        var checksum = checksumAlgorithm is { } algorithm
            ? new StoredChecksum(algorithm, Convert.ToBase64String(payload.Digest(algorithm)!), ChecksumType.FullObject)
            : null;
        var document = new ObjectDocument(bucket, key, blobId, payload.BytesRead, Convert.ToHexStringLower(payload.Md5),
            S3Formats.WholeSeconds(request.Now), headers, checksum, null, request.OwnerAccountId);
        await CommitObjectAsync(request, document, cancellationToken);

        var response = new S3Response { BytesTransferredIn = payload.BytesRead }.WithHeader("ETag", S3Formats.QuotedETag(document.ETag));
        WriteChecksumHeaders(response, checksum);
        return response;
    }

    /// <summary>
    /// Makes <paramref name="document"/> the key's current object in one transaction (last commit wins; the bucket
    /// must still exist and write conditions still hold), then deletes the blob it replaced. On failure the new blob
    /// is deleted, so nothing is left half-written.
    /// </summary>
    public async Task CommitObjectAsync(S3Request request, ObjectDocument document, CancellationToken cancellationToken,
        Func<IDocumentSession, Task>? alsoInTransaction = null)
    {
        string? replacedBlob;
        try
        {
            replacedBlob = await context.Metadata.Store.TransactAsync(async session =>
            {
                await S3Metadata.RequireBucketAsync(session, document.Bucket);
                var objectKey = S3Metadata.ObjectKey(document.Bucket, document.Key);
                var existing = await session.GetAsync<ObjectDocument>(S3Metadata.Objects, objectKey);
                Preconditions.EvaluateWrite(request.Headers, existing, document.Key);
                await session.PutAsync(S3Metadata.Objects, objectKey, document);
                if (alsoInTransaction is not null)
                {
                    await alsoInTransaction(session);
                }

                return existing?.BlobId;
            }, cancellationToken);
        }
        catch
        {
            context.DeleteBlobs([document.BlobId]);
            throw;
        }

        if (replacedBlob != document.BlobId)
        {
            context.DeleteBlobs([replacedBlob]);
        }
    }

    public Task<S3Response> GetObjectAsync(S3Request request, CancellationToken cancellationToken) =>
        ReadObjectAsync(request, withBody: true, cancellationToken);

    public Task<S3Response> HeadObjectAsync(S3Request request, CancellationToken cancellationToken) =>
        ReadObjectAsync(request, withBody: false, cancellationToken);

    public async Task<S3Response> DeleteObjectAsync(S3Request request, CancellationToken cancellationToken)
    {
        S3Context.CheckVersionId(request.QueryValue("versionId"));
        await context.Metadata.RequireBucketAsync(request.Bucket!, cancellationToken);
        await DeleteKeyAsync(request.Bucket!, request.Key!, cancellationToken);
        return S3Response.NoContent();
    }

    public async Task<S3Response> DeleteObjectsAsync(S3Request request, CancellationToken cancellationToken)
    {
        var bucket = request.Bucket!;
        await context.Metadata.RequireBucketAsync(bucket, cancellationToken);
        var headers = request.Headers;
        if (headers["Content-MD5"] is null && headers["x-amz-sdk-checksum-algorithm"] is null && headers["x-amz-trailer"] is null
            && !headers.WithPrefix("x-amz-checksum-").Any(h => ChecksumNames.TryParseHeaderName(h.Key, out _)))
        {
            throw new AwsErrorException(S3Errors.MissingContentMd5());
        }

        var root = await S3Xml.ReadAsync(request.Body, cancellationToken);
        var objects = root.Children("Object").ToList();
        if (root.Name.LocalName != "Delete" || objects.Count is 0 or > MaxDeleteKeys || objects.Any(o => o.ChildValue("Key") is null))
        {
            throw new AwsErrorException(S3Errors.MalformedXml());
        }

        var quiet = string.Equals(root.ChildValue("Quiet")?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        var results = new List<(string Key, string? VersionId, AwsError? Error)>();
        foreach (var entry in objects)
        {
            var key = entry.ChildValue("Key")!;
            var versionId = entry.ChildValue("VersionId");
            results.Add((key, versionId, await DeleteOneAsync(request, bucket, key, versionId, cancellationToken)));
        }

        var body = S3Xml.Document("DeleteResult", w =>
        {
            foreach (var (key, versionId, error) in results)
            {
                if (error is null && !quiet)
                {
                    w.Element("Deleted", d =>
                    {
                        d.Element("Key", key);
                        d.Element("VersionId", versionId);
                    });
                }
                else if (error is not null)
                {
                    w.Element("Error", e =>
                    {
                        e.Element("Key", key);
                        e.Element("VersionId", versionId);
                        e.Element("Code", error.Code);
                        e.Element("Message", error.Message);
                    });
                }
            }
        });
        var response = S3Response.Xml(body);
        return new S3Response
        {
            Body = response.Body,
            ContentLength = response.ContentLength,
            BytesTransferredOut = response.BytesTransferredOut,
            BytesTransferredIn = request.Body.BytesRead,
        }.WithHeader("Content-Type", "application/xml");
    }

    public async Task<S3Response> CopyObjectAsync(S3Request request, CancellationToken cancellationToken)
    {
        var (bucket, key) = (request.Bucket!, request.Key!);
        S3Context.CheckKey(key);
        var sourceName = CopySource.Parse(request.Headers["x-amz-copy-source"]!);
        var directive = request.Headers["x-amz-metadata-directive"]?.Trim().ToUpperInvariant() ?? "COPY";
        if (directive is not ("COPY" or "REPLACE"))
        {
            throw new AwsErrorException(S3Errors.InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive));
        }

        await context.Metadata.RequireBucketAsync(bucket, cancellationToken);
        var source = await sourceName.ResolveAsync(context, request, cancellationToken);
        if (sourceName.Bucket == bucket && sourceName.Key == key && directive == "COPY")
        {
            throw new AwsErrorException(S3Errors.InvalidRequest(
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."));
        }

        var checksumAlgorithm = ParseChecksumAlgorithmHeader(request.Headers) ?? source.Checksum?.Algorithm;
        var copied = await CopyBytesAsync(source, null, checksumAlgorithm, cancellationToken);
        var headers = directive == "REPLACE" ? ObjectHeaderCodec.FromRequest(request.Headers) : source.Headers;
        var checksum = checksumAlgorithm is { } algorithm
            ? new StoredChecksum(algorithm, Convert.ToBase64String(copied.Digest(algorithm)!), ChecksumType.FullObject)
            : null;
        var document = new ObjectDocument(bucket, key, copied.BlobId, copied.Size, copied.Md5Hex, S3Formats.WholeSeconds(request.Now),
            headers, checksum, null, request.OwnerAccountId);
        await CommitObjectAsync(request, document, cancellationToken);

        var body = S3Xml.Document("CopyObjectResult", w =>
        {
            w.Element("ETag", S3Formats.QuotedETag(document.ETag));
            w.Element("LastModified", S3Formats.XmlTime(document.LastModified));
            if (checksum is not null)
            {
                w.Element(ChecksumNames.ElementName(checksum.Algorithm), checksum.Value);
            }
        });
        return S3Response.Xml(body);
    }

    /// <summary>The bytes of a copy, in a new committed blob, with their MD5 and the requested checksum.</summary>
    internal sealed record CopiedBytes(string BlobId, long Size, string Md5Hex, Func<ChecksumAlgorithm, byte[]?> Digest);

    /// <summary>Copies <paramref name="range"/> (or all) of <paramref name="source"/> into a new blob, hashing as it streams.</summary>
    internal async Task<CopiedBytes> CopyBytesAsync(ObjectDocument source, ByteRange? range, ChecksumAlgorithm? checksumAlgorithm,
        CancellationToken cancellationToken)
    {
        var sourceStream = context.Blobs.OpenRead(source.BlobId, range?.First ?? 0, range?.Length);
        await using var payload = RequestPayload.ForBody(sourceStream, S3Headers.Empty);
        if (checksumAlgorithm is { } algorithm)
        {
            payload.AlsoCompute(algorithm);
        }

        var blobId = await context.StoreBlobAsync(payload, cancellationToken);
        return new CopiedBytes(blobId, payload.BytesRead, Convert.ToHexStringLower(payload.Md5), payload.Digest);
    }

    /// <summary><c>x-amz-checksum-algorithm</c> on requests that name an algorithm without a body digest.</summary>
    internal static ChecksumAlgorithm? ParseChecksumAlgorithmHeader(S3Headers headers)
    {
        var text = headers["x-amz-checksum-algorithm"];
        if (text is null)
        {
            return null;
        }

        return ChecksumNames.TryParse(text, out var algorithm)
            ? algorithm
            : throw new AwsErrorException(S3Errors.InvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"));
    }

    internal static void WriteChecksumHeaders(S3Response response, StoredChecksum? checksum, string? value = null)
    {
        if (checksum is not null)
        {
            response.WithHeader(ChecksumNames.HeaderName(checksum.Algorithm), value ?? checksum.Value);
            response.WithHeader("x-amz-checksum-type", ChecksumNames.TypeName(checksum.Type));
        }
    }

    private async Task<AwsError?> DeleteOneAsync(S3Request request, string bucket, string key, string? versionId, CancellationToken cancellationToken)
    {
        if (!await request.Authorize("s3:DeleteObject", S3Context.ObjectArn(bucket, key), null, cancellationToken))
        {
            return S3Errors.AccessDenied();
        }

        if (versionId is not null && versionId != "null")
        {
            return S3Errors.NoSuchVersion();
        }

        await DeleteKeyAsync(bucket, key, cancellationToken);
        return null;
    }

    private async Task DeleteKeyAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var objectKey = S3Metadata.ObjectKey(bucket, key);
        var released = await context.Metadata.Store.TransactAsync(async session =>
        {
            var existing = await session.GetAsync<ObjectDocument>(S3Metadata.Objects, objectKey);
            if (existing is not null)
            {
                await session.DeleteAsync(S3Metadata.Objects, objectKey);
            }

            return existing?.BlobId;
        }, cancellationToken);
        context.DeleteBlobs([released]);
    }

    private async Task<S3Response> ReadObjectAsync(S3Request request, bool withBody, CancellationToken cancellationToken)
    {
        var (bucket, key) = (request.Bucket!, request.Key!);
        S3Context.CheckVersionId(request.QueryValue("versionId"));
        await context.Metadata.RequireBucketAsync(bucket, cancellationToken);
        var (document, blob) = await OpenCurrentAsync(request, bucket, key, withBody, cancellationToken);
        try
        {
            return Describe(request, document, blob);
        }
        catch
        {
            if (blob is not null)
            {
                await blob.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// The key's current document and, for a GET, its blob opened right away. A concurrent overwrite may delete the
    /// blob between the two reads; the document is then read again, so a reader always gets a whole object.
    /// </summary>
    private async Task<(ObjectDocument Document, Stream? Blob)> OpenCurrentAsync(S3Request request, string bucket, string key, bool withBody,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var document = await context.Metadata.GetObjectAsync(bucket, key, cancellationToken)
                ?? throw await S3Context.MissingKeyAsync(request, bucket, key, cancellationToken);
            if (!withBody)
            {
                return (document, null);
            }

            try
            {
                return (document, context.Blobs.OpenRead(document.BlobId));
            }
            catch (FileNotFoundException) when (attempt < 5)
            {
                // Replaced and released between the two reads: the new document names the new blob.
            }
        }
    }

    private static S3Response Describe(S3Request request, ObjectDocument document, Stream? blob)
    {
        if (Preconditions.EvaluateRead(request.Headers, document) == PreconditionOutcome.NotModified)
        {
            var notModified = new S3Response { StatusCode = 304 };
            WriteValidators(notModified, document);
            if (blob is not null)
            {
                notModified.Owning(blob);
            }

            return notModified;
        }

        var (range, part, partsCount) = SelectBytes(request, document);
        var response = new S3Response
        {
            StatusCode = range is null || (part is not null && partsCount is null) ? 200 : 206,
            ContentLength = range?.Length ?? document.Size,
            BytesTransferredOut = blob is null ? 0 : range?.Length ?? document.Size,
            BodyWriter = blob is null ? null : WriteRangeAsync(blob, range, document.Size),
        };
        if (blob is not null)
        {
            response.Owning(blob);
        }

        ObjectHeaderCodec.Write(response, document.Headers, request.Query);
        WriteValidators(response, document);
        response.WithHeader("Accept-Ranges", "bytes");
        if (range is { } bytes && response.StatusCode == 206)
        {
            response.WithHeader("Content-Range", bytes.ContentRange(document.Size));
        }

        if (partsCount is { } count)
        {
            response.WithHeader("x-amz-mp-parts-count", S3Formats.Invariant(count));
        }

        // Checksums describe the whole object or one part: never a byte range, and only when asked for.
        var checksumMode = string.Equals(request.Headers["x-amz-checksum-mode"], "ENABLED", StringComparison.OrdinalIgnoreCase);
        if (checksumMode && (range is null || part is not null))
        {
            var value = part is null || partsCount is null ? document.Checksum?.Value : part.Checksum;
            if (value is not null)
            {
                WriteChecksumHeaders(response, document.Checksum, value);
            }
        }

        return response;
    }

    /// <summary>The bytes a GET selects: a <c>partNumber</c> part, a <c>Range</c>, or the whole object.</summary>
    private static (ByteRange? Range, ObjectPart? Part, int? PartsCount) SelectBytes(S3Request request, ObjectDocument document)
    {
        var partNumberText = request.QueryValue("partNumber");
        if (partNumberText is null)
        {
            return (ByteRange.ParseGetRange(request.Headers["Range"], document.Size), null, null);
        }

        if (request.Headers["Range"] is not null)
        {
            throw new AwsErrorException(S3Errors.InvalidRequest("Cannot specify both Range header and partNumber query parameter"));
        }

        if (!int.TryParse(partNumberText, out var partNumber) || partNumber is < 1 or > 10000)
        {
            throw new AwsErrorException(S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", partNumberText));
        }

        var parts = document.Parts ?? [new ObjectPart(document.Size, document.Checksum?.Value)];
        if (partNumber > parts.Count && document.Parts is null)
        {
            throw new AwsErrorException(S3Errors.InvalidPart(null, partNumber, ""));
        }

        if (partNumber > parts.Count)
        {
            throw new AwsErrorException(S3Errors.InvalidPartNumber(partNumberText, parts.Count));
        }

        var first = parts.Take(partNumber - 1).Sum(p => p.Size);
        var part = parts[partNumber - 1];
        ByteRange? range = part.Size == 0 ? null : new ByteRange(first, first + part.Size - 1);
        return (range, part, document.Parts is null ? null : parts.Count);
    }

    private static void WriteValidators(S3Response response, ObjectDocument document)
    {
        response.WithHeader("ETag", S3Formats.QuotedETag(document.ETag));
        response.WithHeader("Last-Modified", S3Formats.HttpDate(document.LastModified));
    }

    /// <summary>Writes the selected bytes of the blob; a body that fits one buffer is read with a blocking read.</summary>
    /// <remarks>
    /// Note: file reads have no asynchronous path on Linux (.NET runs them as a blocking read on a pool thread), so
    /// a single small read is done in place: the same blocking, without the two thread hops of the async form.
    /// </remarks>
    private static Func<Stream, CancellationToken, Task> WriteRangeAsync(Stream blob, ByteRange? range, long size) =>
        async (output, cancellationToken) =>
        {
            await using var input = blob;
            input.Seek(range?.First ?? 0, SeekOrigin.Begin);
            var remaining = range?.Length ?? size;
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(remaining, 1, S3Context.CopyBufferSize));
            var inPlace = remaining <= buffer.Length;
            try
            {
                while (remaining > 0)
                {
                    var wanted = buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining));
                    var read = inPlace ? input.Read(wanted.Span) : await input.ReadAsync(wanted, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    remaining -= read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        };
}
