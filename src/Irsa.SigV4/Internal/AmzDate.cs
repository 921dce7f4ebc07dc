using System.Globalization;

namespace Irsa.SigV4;

/// <summary>Parsing and formatting of the SigV4 timestamp forms.</summary>
internal static class AmzDate
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString(SigV4Constants.AmzDateFormat, CultureInfo.InvariantCulture);

    public static string FormatIso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Strict <c>yyyyMMddTHHmmssZ</c>.</summary>
    public static bool TryParseAmz(string? value, out DateTimeOffset time) => DateTimeOffset.TryParseExact(
        value,
        SigV4Constants.AmzDateFormat,
        CultureInfo.InvariantCulture,
        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
        out time);

    /// <summary>RFC 1123 <c>Date</c> header, accepted by AWS when <c>X-Amz-Date</c> is absent.</summary>
    public static bool TryParseHttpDate(string? value, out DateTimeOffset time) => DateTimeOffset.TryParseExact(
        value,
        "r",
        CultureInfo.InvariantCulture,
        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
        out time);
}
