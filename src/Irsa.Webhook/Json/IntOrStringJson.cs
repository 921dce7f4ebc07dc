using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Irsa.Webhook.Json;

/// <summary>
/// Keeps the JSON kind of an <see cref="IntOrString"/> across a decode/encode round trip.
/// </summary>
/// <remarks>
/// The client library's <see cref="IntOrString"/> only stores text, so <c>"8080"</c> (a named
/// port that happens to be digits) and <c>8080</c> would be written back the same way. Go keeps
/// the kind, so the decoder remembers it beside the instance. Instances built in code fall back
/// to "digits mean a number", like the client library.
/// </remarks>
internal static class IntOrStringJson
{
    private static readonly ConditionalWeakTable<IntOrString, object> StringKind = [];

    public static void Write(GoJsonWriter w, IntOrString? value)
    {
        if (value?.Value is not { } text)
        {
            // Go's zero IntOrString is the integer 0.
            w.Number(0);
            return;
        }

        var isString = StringKind.TryGetValue(value, out _);
        if (!isString && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            w.Number(number);
        }
        else
        {
            w.String(text);
        }
    }

    /// <summary>Decoder for pods: numbers stay numbers, strings stay strings.</summary>
    public sealed class Converter : JsonConverter<IntOrString>
    {
        public override IntOrString? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    // Go decodes the number into an int32.
                    return (IntOrString)reader.GetInt32();
                case JsonTokenType.String:
                    var result = (IntOrString)(reader.GetString() ?? string.Empty);
                    StringKind.AddOrUpdate(result, StringKind);
                    return result;
                case JsonTokenType.Null:
                    return null;
                default:
                    throw new JsonException($"cannot unmarshal {reader.TokenType} into IntOrString");
            }
        }

        public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            if (value?.Value is null)
            {
                writer.WriteNullValue();
            }
            else if (!StringKind.TryGetValue(value, out _) && int.TryParse(value.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                writer.WriteNumberValue(n);
            }
            else
            {
                writer.WriteStringValue(value.Value);
            }
        }
    }
}
