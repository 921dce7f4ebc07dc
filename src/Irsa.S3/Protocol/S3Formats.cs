using System.Globalization;
using System.Text;

namespace Irsa.S3.Protocol;

/// <summary>The textual forms S3 uses for times, ETags and URL-encoded listing values.</summary>
internal static class S3Formats
{
    /// <summary>XML timestamps: <c>2026-08-07T12:00:00.000Z</c>.</summary>
    public static string XmlTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Header dates: <c>Fri, 07 Aug 2026 12:00:00 GMT</c>.</summary>
    public static string HttpDate(DateTimeOffset time) => time.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    public static bool TryParseHttpDate(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>S3 keeps modification times at whole seconds.</summary>
    public static DateTimeOffset WholeSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    public static string QuotedETag(string etag) => "\"" + etag + "\"";

    public static string UnquotedETag(string etag) => etag.Trim().Trim('"');

    /// <summary>True when a comma-separated If-Match/If-None-Match list names <paramref name="etag"/> or is <c>*</c>.</summary>
    public static bool ETagListMatches(string list, string etag) =>
        list.Split(',').Select(UnquotedETag).Any(candidate => candidate == "*" || candidate == etag);

    /// <summary>S3's <c>encoding-type=url</c>: percent-encode the UTF-8 bytes outside <c>A-Za-z0-9-_.~/</c>.</summary>
    public static string UrlEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Orders strings by their UTF-8 bytes, S3's listing order (ordinal UTF-16 differs above U+D7FF).</summary>
    public static int CompareUtf8(string left, string right)
    {
        var length = Math.Min(left.Length, right.Length);
        for (var i = 0; i < length; i++)
        {
            var a = left[i];
            var b = right[i];
            if (a != b)
            {
                // Surrogates (U+D800..DFFF) encode code points above U+FFFF, which sort after U+E000..FFFF in UTF-8.
                return Weight(a).CompareTo(Weight(b));
            }
        }

        return left.Length.CompareTo(right.Length);

        static int Weight(char c) => char.IsSurrogate(c) ? c + 0x2000 : c >= 0xE000 ? c - 0x800 : c;
    }
}
