using System.Text;
using Irsa.Core.Aws;
using Irsa.S3.Metadata;
using Irsa.S3.Protocol;

namespace Irsa.S3.Objects;

/// <summary>Reads the stored headers of an object from a request and writes them back on GET and HEAD.</summary>
internal static class ObjectHeaderCodec
{
    private const string MetaPrefix = "x-amz-meta-";
    private const int MaxUserMetadataBytes = 2048;

    public static ObjectHeaders FromRequest(S3Headers headers)
    {
        var metadata = headers.WithPrefix(MetaPrefix)
            .Select(h => new UserMetadataEntry(h.Key[MetaPrefix.Length..].ToLowerInvariant(), h.Value))
            .ToList();
        var size = metadata.Sum(m => Encoding.UTF8.GetByteCount(m.Name) + Encoding.UTF8.GetByteCount(m.Value));
        if (size > MaxUserMetadataBytes)
        {
            throw new AwsErrorException(S3Errors.MetadataTooLarge(size));
        }

        return new ObjectHeaders(
            headers["Content-Type"] ?? "binary/octet-stream",
            StripAwsChunked(headers["Content-Encoding"]),
            headers["Content-Disposition"],
            headers["Content-Language"],
            headers["Cache-Control"],
            headers["Expires"],
            metadata);
    }

    /// <summary><c>aws-chunked</c> is framing, not a property of the object: drop it, and drop the header if nothing is left.</summary>
    public static string? StripAwsChunked(string? contentEncoding)
    {
        if (contentEncoding is null)
        {
            return null;
        }

        var tokens = contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var kept = tokens.Where(token => !string.Equals(token, "aws-chunked", StringComparison.OrdinalIgnoreCase)).ToList();
        if (kept.Count == tokens.Length)
        {
            // Nothing to drop: the value is stored as sent ("deflate, gzip" stays spelled so).
            return contentEncoding;
        }

        return kept.Count == 0 ? null : string.Join(", ", kept);
    }

    /// <summary>Writes the stored headers, letting <c>response-*</c> query parameters override them.</summary>
    public static void Write(S3Response response, ObjectHeaders headers, IReadOnlyDictionary<string, string> query)
    {
        Add(response, "Content-Type", query.GetValueOrDefault("response-content-type") ?? headers.ContentType);
        Add(response, "Content-Encoding", query.GetValueOrDefault("response-content-encoding") ?? headers.ContentEncoding);
        Add(response, "Content-Disposition", query.GetValueOrDefault("response-content-disposition") ?? headers.ContentDisposition);
        Add(response, "Content-Language", query.GetValueOrDefault("response-content-language") ?? headers.ContentLanguage);
        Add(response, "Cache-Control", query.GetValueOrDefault("response-cache-control") ?? headers.CacheControl);
        Add(response, "Expires", query.GetValueOrDefault("response-expires") ?? headers.Expires);
        foreach (var entry in headers.UserMetadata)
        {
            response.WithHeader(MetaPrefix + entry.Name, entry.Value);
        }
    }

    private static void Add(S3Response response, string name, string? value)
    {
        if (value is not null)
        {
            response.WithHeader(name, value);
        }
    }
}
