using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Irsa.Webhook.Json;

/// <summary>
/// Canonical Kubernetes text of resource quantities, memoised: the client library's parse and
/// canonicalisation use big-number arithmetic costing tens of microseconds each, and real pods
/// repeat a handful of values ("100m", "256Mi").
/// </summary>
internal static class QuantityText
{
    private const int MaxCachedInputs = 4096;
    private static readonly ConcurrentDictionary<string, ResourceQuantity> Parsed = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<ResourceQuantity, string> Canonical = [];

    public static string Of(ResourceQuantity? quantity) =>
        quantity is null ? "0" : Canonical.GetValue(quantity, static q => q.ToString());

    /// <summary>Decoder that shares one instance per distinct input text (bounded, so hostile input cannot grow it forever).</summary>
    public sealed class Converter : JsonConverter<ResourceQuantity>
    {
        public override ResourceQuantity? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString() ?? "",
                JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                JsonTokenType.Null => null,
                _ => throw new JsonException("cannot unmarshal into resource.Quantity"),
            };
            if (text is null)
            {
                return null;
            }

            if (Parsed.TryGetValue(text, out var cached))
            {
                return cached;
            }

            var quantity = new ResourceQuantity(text);
            if (Parsed.Count < MaxCachedInputs)
            {
                Parsed.TryAdd(text, quantity);
            }

            return quantity;
        }

        public override void Write(Utf8JsonWriter writer, ResourceQuantity value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(Of(value));
        }
    }
}
