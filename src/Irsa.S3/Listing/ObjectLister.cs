using Irsa.S3.Metadata;
using Irsa.S3.Protocol;

namespace Irsa.S3.Listing;

/// <summary>One listing page: objects and common prefixes in key order, and the last item returned (key or prefix).</summary>
internal sealed record ListingPage(IReadOnlyList<ObjectDocument> Contents, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? LastItem)
{
    public int Count => Contents.Count + CommonPrefixes.Count;
}

/// <summary>
/// Pages through a bucket's objects with S3's rules: UTF-8 byte order, keys rolled up at the delimiter into
/// common prefixes that count toward max-keys, resuming strictly after a key or a whole common prefix.
/// Memory is bounded by one store batch, whatever the bucket's size.
/// </summary>
internal sealed class ObjectLister(S3Metadata metadata)
{
    private const int BatchSize = 1000;

    /// <summary>Sorts after every key that starts with a common prefix ending before it: the highest code point.</summary>
    private const string AfterEverything = "\U0010FFFF";

    public async Task<ListingPage> ListAsync(string bucket, string prefix, string? delimiter, string? startAfter, int maxKeys,
        CancellationToken cancellationToken)
    {
        var contents = new List<ObjectDocument>();
        var commonPrefixes = new List<string>();
        if (maxKeys == 0)
        {
            return new ListingPage(contents, commonPrefixes, false, null);
        }

        var hasDelimiter = !string.IsNullOrEmpty(delimiter);
        var after = startAfter;
        string? lastPrefix = null;
        string? lastItem = null;
        // Resuming from a common prefix (a NextMarker or token that was one) skips every key under it.
        if (hasDelimiter && startAfter is not null && CommonPrefixOf(startAfter, prefix, delimiter!) == startAfter)
        {
            lastPrefix = startAfter;
            after = startAfter + AfterEverything;
        }

        while (true)
        {
            var batch = await metadata.ScanObjectsAsync(bucket, prefix, after, BatchSize, cancellationToken);
            var skipped = false;
            foreach (var document in batch)
            {
                after = document.Key;
                if (!document.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    if (S3Formats.CompareUtf8(document.Key, prefix) > 0)
                    {
                        return new ListingPage(contents, commonPrefixes, false, lastItem);
                    }

                    continue;
                }

                var commonPrefix = hasDelimiter ? CommonPrefixOf(document.Key, prefix, delimiter!) : null;
                if (commonPrefix is not null && commonPrefix == lastPrefix)
                {
                    continue;
                }

                if (contents.Count + commonPrefixes.Count == maxKeys)
                {
                    return new ListingPage(contents, commonPrefixes, true, lastItem);
                }

                if (commonPrefix is null)
                {
                    contents.Add(document);
                    lastItem = document.Key;
                    continue;
                }

                commonPrefixes.Add(commonPrefix);
                lastPrefix = lastItem = commonPrefix;
                // Jump the store past the whole prefix rather than reading every key under it.
                after = commonPrefix + AfterEverything;
                skipped = true;
                break;
            }

            if (!skipped && batch.Count < BatchSize)
            {
                return new ListingPage(contents, commonPrefixes, false, lastItem);
            }
        }
    }

    /// <summary>The key up to and including the first delimiter after the prefix, or null.</summary>
    public static string? CommonPrefixOf(string key, string prefix, string delimiter)
    {
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var index = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return index < 0 ? null : key[..(index + delimiter.Length)];
    }
}
