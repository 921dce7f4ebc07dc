using System.Globalization;
using System.Security.Cryptography;

namespace Irsa.Audit.Delivery;

/// <summary>The S3 object keys CloudTrail uses for log and digest files, and where they live on disk.</summary>
public static class TrailKeys
{
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary><c>[PREFIX/]AWSLogs/ACCT/CloudTrail/REGION/YYYY/MM/DD/ACCT_CloudTrail_REGION_YYYYMMDDTHHmmZ_RANDOM16.json.gz</c>, timed to delivery.</summary>
    public static string LogKey(string? prefix, string accountId, string region, DateTimeOffset delivered) =>
        $"{Prefix(prefix)}AWSLogs/{accountId}/CloudTrail/{region}/{Folders(delivered)}/{accountId}_CloudTrail_{region}_" +
        $"{delivered.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture)}_{RandomNumberGenerator.GetString(Alphanumerics, 16)}.json.gz";

    /// <summary>
    /// <c>[PREFIX/]AWSLogs/ACCT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCT_CloudTrail-Digest_REGION_TRAIL_HOME_YYYYMMDDTHHmmssZ.json.gz</c>,
    /// folders and time from the digest's end time (validate-logs reads the 16 characters before <c>.json.gz</c>).
    /// </summary>
    public static string DigestKey(string? prefix, string accountId, string region, string trailName, string homeRegion, DateTimeOffset end) =>
        $"{Prefix(prefix)}AWSLogs/{accountId}/CloudTrail-Digest/{region}/{Folders(end)}/{accountId}_CloudTrail-Digest_{region}_{trailName}_{homeRegion}_" +
        $"{end.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.json.gz";

    /// <summary>The end time encoded in a digest key, or <c>null</c> if the key does not have the digest form.</summary>
    public static DateTimeOffset? DigestKeyTime(string key) =>
        key.Length > 24 && key.EndsWith(".json.gz", StringComparison.Ordinal) &&
        DateTimeOffset.TryParseExact(key[^24..^8], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    /// <summary>The delivery time encoded in a log key (minute precision), or <c>null</c>.</summary>
    public static DateTimeOffset? LogKeyTime(string key) =>
        key.Length > 40 && key.EndsWith(".json.gz", StringComparison.Ordinal) &&
        DateTimeOffset.TryParseExact(key[^39..^25], "yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    /// <summary>
    /// The trail's home region as a digest key names it (<c>…_TRAIL_HOME_YYYYMMDDTHHmmssZ.json.gz</c>): trail names may hold
    /// underscores, region names never do, so it is the segment before the time.
    /// </summary>
    public static string? DigestKeyHomeRegion(string key)
    {
        if (DigestKeyTime(key) is null)
        {
            return null;
        }

        var head = key[..^25];
        return head[(head.LastIndexOf('_') + 1)..];
    }

    /// <summary>The side file holding a digest's signature, standing in for S3 object metadata.</summary>
    public static string SignatureFile(string digestPath) => digestPath + ".sig";

    /// <summary>The local path of an object key under the trail's folder.</summary>
    public static string PathOf(string directory, string key) => Path.Combine(directory, key.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>CloudTrail puts the trail's S3 key prefix, if any, and a slash before <c>AWSLogs/</c>.</summary>
    private static string Prefix(string? prefix) => string.IsNullOrEmpty(prefix) ? "" : prefix + "/";

    private static string Folders(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture);
}
