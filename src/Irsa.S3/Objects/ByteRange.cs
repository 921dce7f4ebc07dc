using System.Globalization;
using Irsa.Core.Aws;
using Irsa.S3.Protocol;

namespace Irsa.S3.Objects;

/// <summary>An inclusive byte range of an object.</summary>
internal readonly record struct ByteRange(long First, long Last)
{
    public long Length => Last - First + 1;

    public string ContentRange(long size) => $"bytes {First}-{Last}/{size}";

    /// <summary>
    /// A GET <c>Range</c> header: one range, <c>bytes=a-b</c>, <c>bytes=a-</c> or <c>bytes=-n</c>, the end clamped.
    /// Null when the header is absent or not a single byte range (S3 then ignores it and answers the whole object);
    /// 416 InvalidRange when it cannot be satisfied.
    /// </summary>
    public static ByteRange? ParseGetRange(string? header, long size)
    {
        if (!TryParseSpec(header, out var first, out var last))
        {
            return null;
        }

        if (first is null)
        {
            // Suffix range: the last n bytes.
            if (last is null or 0 || size == 0)
            {
                throw new AwsErrorException(S3Errors.InvalidRange(header!, size));
            }

            return new ByteRange(Math.Max(0, size - last.Value), size - 1);
        }

        if (first >= size || (last is { } end && end < first))
        {
            throw new AwsErrorException(S3Errors.InvalidRange(header!, size));
        }

        return new ByteRange(first.Value, Math.Min(last ?? size - 1, size - 1));
    }

    /// <summary>
    /// UploadPartCopy's <c>x-amz-copy-source-range: bytes=a-b</c>: both ends required and inside the source
    /// (InvalidRange otherwise); anything else is InvalidArgument.
    /// </summary>
    public static ByteRange ParseCopySourceRange(string header, long size)
    {
        if (!TryParseSpec(header, out var first, out var last) || first is null || last is null || last < first)
        {
            throw new AwsErrorException(S3Errors.InvalidArgument(
                "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
                "x-amz-copy-source-range", header));
        }

        if (last >= size)
        {
            throw new AwsErrorException(S3Errors.InvalidRange(header, size));
        }

        return new ByteRange(first.Value, last.Value);
    }

    private static bool TryParseSpec(string? header, out long? first, out long? last)
    {
        first = last = null;
        const string unit = "bytes=";
        if (header is null || !header.StartsWith(unit, StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        var spec = header[unit.Length..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return false;
        }

        var (start, end) = (spec[..dash].Trim(), spec[(dash + 1)..].Trim());
        if (start.Length == 0 && end.Length == 0)
        {
            return false;
        }

        if (start.Length > 0)
        {
            if (!long.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            first = value;
        }

        if (end.Length > 0)
        {
            if (!long.TryParse(end, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            last = value;
        }

        return true;
    }
}
