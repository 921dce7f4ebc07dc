using System.Globalization;
using System.Text.RegularExpressions;

namespace Irsa.Policy.Conditions;

/// <summary>
/// Parses the date forms IAM accepts: epoch seconds, or the W3C ISO-8601 profiles
/// <c>YYYY[-MM[-DD]][Thh[:mm[:ss[.fraction]]][Z|±hh[:mm]]]</c>.
/// </summary>
internal static partial class PolicyDate
{
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length == 0)
        {
            return false;
        }

        if (!text.Contains('-', StringComparison.Ordinal) && !text.Contains('t', StringComparison.OrdinalIgnoreCase))
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
            {
                return false;
            }

            // Epoch values up to long.MaxValue are valid in a policy; beyond year 9999 they compare as "max".
            value = epoch > 253402300799 ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(epoch);
            return true;
        }

        var m = IsoRegex().Match(text);
        if (!m.Success)
        {
            return false;
        }

        int Part(int group, int fallback) =>
            m.Groups[group].Success ? int.Parse(m.Groups[group].ValueSpan, CultureInfo.InvariantCulture) : fallback;

        var year = Part(1, 1);
        var month = Part(2, 1);
        var day = Part(3, 1);
        var hour = Part(4, 0);
        var minute = Part(5, 0);
        var second = Part(6, 0);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var offset = TimeSpan.Zero;
        if (m.Groups[8].Success)
        {
            var sign = m.Groups[8].Value == "-" ? -1 : 1;
            var oh = Part(9, 0);
            var om = Part(10, 0);
            if (oh > 23 || om > 59)
            {
                return false;
            }

            offset = new TimeSpan(oh, om, 0) * sign;
        }

        var ticks = 0L;
        if (m.Groups[7].Success)
        {
            var fraction = m.Groups[7].Value;
            var digits = fraction.Length > 7 ? fraction[..7] : fraction.PadRight(7, '0');
            ticks = long.Parse(digits, CultureInfo.InvariantCulture);
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(ticks);
        return true;
    }

    [GeneratedRegex(@"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[Tt](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?)?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoRegex();
}
