using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Irsa.Core.Json;
using k8s.Models;

namespace Irsa.Webhook.Json;

/// <summary>
/// Keeps the JSON kind of an <see cref="IntOrString"/> across a decode/encode round trip.
/// </summary>
/// <remarks>
/// The client library's <see cref="IntOrString"/> only stores text, so <c>"8080"</c> (a named
/// port that happens to be digits) and <c>8080</c> would be written back the same way. Go keeps
/// the kind, so the decoder returns a private subclass for strings. Instances built in code fall back
/// to "digits mean a number", like the client library.
/// </remarks>
internal static class IntOrStringJson
{
    public static void Write(GoJsonWriter w, IntOrString? value)
    {
        if (value?.Value is not { } text)
        {
            // Go's zero IntOrString is the integer 0.
            w.Number(0);
            return;
        }

        var isString = value is DecodedString;
        if (!isString && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            w.Number(number);
        }
        else
        {
            w.String(text);
        }
    }

    /// <summary>
    /// The client library's setter of <see cref="IntOrString.Value"/> is private, and its public way in (the
    /// implicit conversion) cannot create a subclass.
    /// </summary>
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Value")]
    private static extern void SetValue(IntOrString target, string value);

    /// <summary>
    /// An <see cref="IntOrString"/> that was a JSON string in the input: the type is the mark. A weak table
    /// beside each instance did the same job, but every entry is a GC dependent handle that each collection
    /// has to scan until the table gets round to dropping it, so a busy webhook made all its GCs slower.
    /// </summary>
    private sealed class DecodedString : IntOrString
    {
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
                    var result = new DecodedString();
                    SetValue(result, reader.GetString() ?? string.Empty);
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
            else if (value is not DecodedString && int.TryParse(value.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
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
