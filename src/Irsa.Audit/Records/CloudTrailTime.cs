using System.Globalization;

namespace Irsa.Audit.Records;

/// <summary>The two time formats CloudTrail writes.</summary>
public static class CloudTrailTime
{
    /// <summary>ISO 8601 UTC to the second (<c>2025-04-16T02:46:56Z</c>): <c>eventTime</c>, <c>creationDate</c>, digest times.</summary>
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Java's <c>MMM d, yyyy, h:mm:ss a</c> in UTC (<c>Apr 16, 2025, 3:46:56 AM</c>): how STS renders
    /// <c>responseElements.credentials.expiration</c>, unlike every other time in a record.
    /// </summary>
    public static string JavaMedium(DateTimeOffset time) =>
        time.UtcDateTime.ToString("MMM d, yyyy, h:mm:ss tt", CultureInfo.InvariantCulture);

    /// <summary>Drops the sub-second part, which no CloudTrail time carries.</summary>
    public static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
