using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Core.Buffers;

namespace Irsa.Audit.Records;

/// <summary>
/// Writes a <see cref="CloudTrailRecord"/> as compact JSON, with AWS's field order and limits. This is the only way a
/// record becomes bytes, so its rules hold for every record:
/// <list type="bullet">
/// <item>credential material never appears: any property named <c>secretAccessKey</c>, <c>sessionToken</c> or
/// <c>webIdentityToken</c> (any case, any depth) is left out of the free-form elements;</item>
/// <item><c>responseElements</c> is <c>null</c> on failure;</item>
/// <item><c>userAgent</c>, <c>errorCode</c> and <c>errorMessage</c> are cut to 1 KB; <c>requestParameters</c> and
/// <c>responseElements</c> over 100 KB and <c>additionalEventData</c> over 28 KB are replaced by
/// <c>{"omitted":true}</c> (the CloudTrail guide: a field over its maximum size is truncated and marked with
/// <c>omitted</c> = <c>true</c>).</item>
/// </list>
/// </summary>
public static class CloudTrailRecordWriter
{
    public const int MaxStringBytes = 1024;
    public const int MaxParametersBytes = 100 * 1024;
    public const int MaxAdditionalEventDataBytes = 28 * 1024;

    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "secretAccessKey", "sessionToken", "webIdentityToken",
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_scratch;

    /// <summary>The record's UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8Bytes(CloudTrailRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, record);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string ToJson(CloudTrailRecord record) => Encoding.UTF8.GetString(ToUtf8Bytes(record));

    public static void Write(Utf8JsonWriter writer, CloudTrailRecord record)
    {
        writer.WriteStartObject();
        writer.WriteString("eventVersion", record.EventVersion);
        writer.WritePropertyName("userIdentity");
        record.UserIdentity.Write(writer);
        writer.WriteString("eventTime", CloudTrailTime.Iso(record.EventTime));
        writer.WriteString("eventSource", record.EventSource);
        writer.WriteString("eventName", record.EventName);
        writer.WriteString("awsRegion", record.AwsRegion);
        writer.WriteString("sourceIPAddress", record.SourceIpAddress);
        WriteCapped(writer, "userAgent", record.UserAgent);
        WriteCapped(writer, "errorCode", record.ErrorCode);
        WriteCapped(writer, "errorMessage", record.ErrorMessage);
        WriteElement(writer, "requestParameters", record.RequestParameters, MaxParametersBytes, writeNull: true);
        WriteElement(writer, "responseElements", record.IsError ? null : record.ResponseElements, MaxParametersBytes, writeNull: true);
        WriteElement(writer, "additionalEventData", record.AdditionalEventData, MaxAdditionalEventDataBytes, writeNull: false);
        writer.WriteString("requestID", record.RequestId);
        writer.WriteString("eventID", record.EventId);
        writer.WriteBoolean("readOnly", record.ReadOnly);
        if (record.Resources.Count > 0)
        {
            writer.WriteStartArray("resources");
            foreach (var resource in record.Resources)
            {
                writer.WriteStartObject();
                // S3 objects carry no account (their ARN has none); their bucket names the owner.
                if (resource.AccountId.Length > 0)
                {
                    writer.WriteString("accountId", resource.AccountId);
                }

                writer.WriteString("type", resource.Type);
                writer.WriteString(resource.IsPrefix ? "ARNPrefix" : "ARN", resource.Arn);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteString("eventType", CloudTrailRecord.EventType);
        writer.WriteBoolean("managementEvent", record.ManagementEvent);
        writer.WriteString("recipientAccountId", record.RecipientAccountId);
        writer.WriteString("eventCategory", record.EventCategory);
        if (record.TlsDetails is { } tls)
        {
            writer.WriteStartObject("tlsDetails");
            writer.WriteString("tlsVersion", tls.TlsVersion);
            writer.WriteString("cipherSuite", tls.CipherSuite);
            writer.WriteString("clientProvidedHostHeader", tls.ClientProvidedHostHeader);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Cuts <paramref name="value"/> to at most <paramref name="maxBytes"/> UTF-8 bytes without splitting a character
    /// (lone surrogates become U+FFFD first).</summary>
    public static string Truncate(string value, int maxBytes)
    {
        value = WellFormed(value);
        if (Encoding.UTF8.GetByteCount(value) <= maxBytes)
        {
            return value;
        }

        var length = 0;
        var bytes = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }

        return value[..length];
    }

    private static void WriteCapped(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, Truncate(value, MaxStringBytes));
        }
    }

    private static void WriteElement(Utf8JsonWriter writer, string name, JsonObject? element, int maxBytes, bool writeNull)
    {
        if (element is null)
        {
            if (writeNull)
            {
                writer.WriteNull(name);
            }

            return;
        }

        // Written aside first, since its size decides whether it is written at all. The scratch buffer is the thread's own
        // (a writer allocates 4 KiB at least per buffer it fills, three times per record otherwise).
        var buffer = ThreadBuffer.Take(ref s_scratch);
        using (var inner = new Utf8JsonWriter(buffer))
        {
            WriteFiltered(inner, element);
        }

        writer.WritePropertyName(name);
        if (buffer.WrittenCount > maxBytes)
        {
            writer.WriteStartObject();
            writer.WriteBoolean("omitted", true);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
        }

        ThreadBuffer.Trim(ref s_scratch);
    }

    private static void WriteFiltered(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj)
                {
                    if (!SecretNames.Contains(key))
                    {
                        writer.WritePropertyName(WellFormed(key));
                        WriteFiltered(writer, value);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteFiltered(writer, item);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                writer.WriteStringValue(WellFormed(value.GetValue<string>()));
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// The text with every lone surrogate replaced by U+FFFD: callers can send them (JSON <c>\ud800</c> escapes), and a
    /// record must still be written, as UTF-8, rather than fail the call.
    /// </summary>
    private static string WellFormed(string text) =>
        text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 ? text : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
}
