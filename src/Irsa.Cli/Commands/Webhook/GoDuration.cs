using System.Globalization;

namespace Irsa.Cli.Commands.Webhook;

/// <summary>Parses Go's <c>time.ParseDuration</c> syntax (<c>0</c>, <c>100ms</c>, <c>1m30s</c>, <c>1.5h</c>), which upstream's flags use.</summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", TimeSpan.TicksPerMicrosecond / 1000.0), ("us", TimeSpan.TicksPerMicrosecond), ("µs", TimeSpan.TicksPerMicrosecond),
        ("μs", TimeSpan.TicksPerMicrosecond), ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var rest = text.AsSpan();
        var negative = rest[0] == '-';
        if (rest[0] is '-' or '+')
        {
            rest = rest[1..];
        }

        if (rest is "0")
        {
            return true;
        }

        double ticks = 0;
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            rest = rest[digits..];
            // Two-letter units come first in the table, so "ms" is never read as "m".
            var unit = 0;
            while (unit < Units.Length && !rest.StartsWith(Units[unit].Unit, StringComparison.Ordinal))
            {
                unit++;
            }

            if (unit == Units.Length)
            {
                return false;
            }

            ticks += number * Units[unit].Ticks;
            rest = rest[Units[unit].Unit.Length..];
        }

        value = TimeSpan.FromTicks((long)Math.Round(negative ? -ticks : ticks));
        return true;
    }
}
