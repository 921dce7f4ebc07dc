namespace Irsa.Webhook.Json;

/// <summary>
/// Go's JSON decoder turns an escaped unpaired UTF-16 surrogate (<c>\ud800</c>) into U+FFFD; System.Text.Json refuses
/// to decode such a string. Rewriting those escapes to <c>\ufffd</c> before parsing gives Go's result.
/// </summary>
internal static class LoneSurrogates
{
    /// <summary>Returns <paramref name="json"/> unchanged (no copy) unless it holds an escaped unpaired surrogate.</summary>
    public static ReadOnlyMemory<byte> ReplaceEscapes(ReadOnlyMemory<byte> json)
    {
        var span = json.Span;
        if (span.IndexOf("\\u"u8) < 0)
        {
            return json;
        }

        byte[]? copy = null;
        for (var i = 0; i < span.Length - 1; i++)
        {
            if (span[i] != '\\')
            {
                continue;
            }

            if (span[i + 1] != 'u' || !TryHex(span, i + 2, out var unit))
            {
                i++; // Skip the escaped character (it may itself be a backslash).
                continue;
            }

            var isHigh = unit is >= 0xD800 and <= 0xDBFF;
            var isLow = unit is >= 0xDC00 and <= 0xDFFF;
            if (isHigh && i + 11 < span.Length && span[i + 6] == '\\' && span[i + 7] == 'u' && TryHex(span, i + 8, out var next) && next is >= 0xDC00 and <= 0xDFFF)
            {
                i += 11; // A proper pair.
                continue;
            }

            if (isHigh || isLow)
            {
                copy ??= span.ToArray();
                "\\ufffd"u8.CopyTo(copy.AsSpan(i));
            }

            i += 5;
        }

        return copy ?? json;
    }

    private static bool TryHex(ReadOnlySpan<byte> span, int start, out int value)
    {
        value = 0;
        if (start + 4 > span.Length)
        {
            return false;
        }

        for (var k = start; k < start + 4; k++)
        {
            var digit = span[k] switch
            {
                >= (byte)'0' and <= (byte)'9' => span[k] - '0',
                >= (byte)'a' and <= (byte)'f' => span[k] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => span[k] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }
}
