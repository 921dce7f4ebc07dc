using System.Text.Json;
using Irsa.Core.Json;
using k8s.Models;

namespace Irsa.Webhook.Json;

/// <summary>
/// Decodes a Pod the way Go's <c>encoding/json</c> decodes <c>corev1.Pod</c>: field names match
/// case-insensitively, unknown fields are dropped, and IntOrString keeps its JSON kind.
/// </summary>
public static class PodJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        Converters =
        {
            new IntOrStringJson.Converter(),
            new QuantityText.Converter(),
        },
    };

    /// <summary>Decodes a pod from a JSON element; throws <see cref="PodDecodeException"/> with Go's message.</summary>
    public static V1Pod Decode(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PodDecodeException($"json: cannot unmarshal {GoJsonType.Of(element.ValueKind)} into Go value of type v1.Pod");
        }

        try
        {
            return element.Deserialize<V1Pod>(Options) ?? new V1Pod();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            // Go reports the first type mismatch; its exact wording depends on Go's struct names,
            // so only the prefix and the JSON path are reproduced here.
            var path = e is JsonException { Path: { } p } ? p.TrimStart('$', '.') : "";
            throw new PodDecodeException($"json: cannot unmarshal into Go value of type v1.Pod: {path}", e);
        }
    }

    /// <summary>Decodes a pod from UTF-8 JSON bytes.</summary>
    public static V1Pod Decode(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new PodDecodeException("unexpected end of JSON input");
        }

        using var doc = JsonDocument.Parse(utf8Json.ToArray());
        return Decode(doc.RootElement);
    }
}

/// <summary>The pod in an admission request could not be decoded; the message mirrors Go's.</summary>
public sealed class PodDecodeException : Exception
{
    public PodDecodeException(string message)
        : base(message)
    {
    }

    public PodDecodeException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PodDecodeException()
    {
    }
}
