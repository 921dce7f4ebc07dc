using System.Text.Json;

namespace Irsa.Webhook.Json;

/// <summary>
/// Reproduces the wording of Go's <c>encoding/json</c> syntax errors closely enough for
/// operators: truncated input is reported exactly (<c>unexpected end of JSON input</c>); other
/// syntax errors name the offending character the way Go does, with a generic context.
/// </summary>
internal static class GoJsonErrors
{
    /// <summary>Returns null when <paramref name="utf8"/> is one well-formed JSON value.</summary>
    public static string? Describe(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName))
                {
                    var rest = utf8[(int)reader.BytesConsumed..].TrimStart(" \t\r\n"u8);
                    return rest.IsEmpty ? null : $"invalid character {Quote(rest[0])} after top-level value";
                }
            }

            // The reader wants more bytes: the document was cut short.
            return "unexpected end of JSON input";
        }
        catch (JsonException)
        {
            var offset = (int)Math.Min(reader.BytesConsumed, utf8.Length);
            var rest = utf8[offset..].TrimStart(" \t\r\n,:"u8);
            return rest.IsEmpty
                ? "unexpected end of JSON input"
                : $"invalid character {Quote(rest[0])} looking for beginning of value";
        }
    }

    /// <summary>Go's <c>quoteChar</c>.</summary>
    private static string Quote(byte b) => b switch
    {
        (byte)'\'' => @"'\''",
        (byte)'"' => "'\"'",
        < 0x20 or >= 0x7f => $"'\\x{b:x2}'",
        _ => $"'{(char)b}'",
    };
}
