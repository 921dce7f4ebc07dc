using System.Text.Json;
using Irsa.Core.Json;

namespace Irsa.Webhook.Json;

/// <summary>The parts of an AdmissionReview the webhook reads.</summary>
internal sealed class ParsedReview : IDisposable
{
    public string Kind { get; init; } = "";

    public string ApiVersion { get; init; } = "";

    public string Uid { get; init; } = "";

    public string Namespace { get; init; } = "";

    /// <summary><c>request.object</c>, or null when absent or JSON null.</summary>
    public JsonElement? Object { get; init; }

    /// <summary>A decode error message (the review is answered with <c>allowed:false</c>).</summary>
    public string? Error { get; init; }

    public JsonDocument? Document { get; init; }

    public void Dispose() => Document?.Dispose();
}

/// <summary>
/// Decodes an AdmissionReview (v1 or v1beta1) the way upstream's universal deserializer does:
/// field names are case-sensitive, unknown fields are ignored, and the version is not checked.
/// </summary>
internal static class AdmissionReviewReader
{
    private const string KindPrefix = "couldn't get version/kind; json parse error: ";

    public static ParsedReview Read(ReadOnlyMemory<byte> body)
    {
        var trimmed = LoneSurrogates.ReplaceEscapes(Trim(body));
        if (trimmed.IsEmpty)
        {
            // An empty body decodes to an empty review, which has no request.
            return new ParsedReview { Error = "bad content" };
        }

        // Well-formed input (the normal case) is parsed once, in place. Describing a syntax error needs a second,
        // Go-flavoured pass, which only malformed input pays for. The two agree: an object that JsonDocument
        // accepts is one complete, well-formed value, so GoJsonErrors.Describe has nothing to report for it.
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(trimmed);
        }
        catch (JsonException)
        {
            if (GoJsonErrors.Describe(trimmed.Span) is { } syntax)
            {
                return new ParsedReview { Error = KindPrefix + syntax };
            }

            throw;
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object && GoJsonErrors.Describe(trimmed.Span) is { } notObject)
        {
            // A bare scalar: keep the wording the validating pass gives (it sees the value as cut short).
            doc.Dispose();
            return new ParsedReview { Error = KindPrefix + notObject };
        }

        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            // The message reads the element's kind, so build it before the document is released.
            var error = KindPrefix + $"json: cannot unmarshal {GoJsonType.Of(root.ValueKind)} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}";
            doc.Dispose();
            return new ParsedReview { Error = error };
        }

        string kind = "", apiVersion = "", uid = "", ns = "";
        JsonElement? request = null;
        foreach (var property in root.EnumerateObject())
        {
            // Later duplicates win, as in Go.
            switch (property.Name)
            {
                case "kind" when !TryString(property.Value, out kind):
                    return new ParsedReview { Error = KindPrefix + TypeError(property.Value, ".kind", "string"), Document = doc };
                case "apiVersion" when !TryString(property.Value, out apiVersion):
                    return new ParsedReview { Error = KindPrefix + TypeError(property.Value, ".apiVersion", "string"), Document = doc };
                case "request":
                    request = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
                    break;
            }
        }

        if (request is not { } req)
        {
            return new ParsedReview { Kind = kind, ApiVersion = apiVersion, Error = "bad content", Document = doc };
        }

        if (req.ValueKind != JsonValueKind.Object)
        {
            return new ParsedReview { Kind = kind, ApiVersion = apiVersion, Error = TypeError(req, "AdmissionReview.request", "v1.AdmissionRequest"), Document = doc };
        }

        JsonElement? obj = null;
        foreach (var property in req.EnumerateObject())
        {
            switch (property.Name)
            {
                case "uid" when !TryString(property.Value, out uid):
                    return new ParsedReview { Kind = kind, ApiVersion = apiVersion, Error = TypeError(property.Value, "AdmissionRequest.request.uid", "types.UID"), Document = doc };
                case "namespace" when !TryString(property.Value, out ns):
                    return new ParsedReview { Kind = kind, ApiVersion = apiVersion, Error = TypeError(property.Value, "AdmissionRequest.request.namespace", "string"), Document = doc };
                case "object":
                    obj = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
                    break;
            }
        }

        return new ParsedReview { Kind = kind, ApiVersion = apiVersion, Uid = uid, Namespace = ns, Object = obj, Document = doc };
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        var start = span.Length - span.TrimStart(" \t\r\n"u8).Length;
        var end = span.TrimEnd(" \t\r\n"u8).Length;
        return start >= end ? ReadOnlyMemory<byte>.Empty : body[start..end];
    }

    private static bool TryString(JsonElement value, out string result)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                result = value.GetString() ?? "";
                return true;
            case JsonValueKind.Null:
                // Go leaves the field unchanged on null.
                result = "";
                return true;
            default:
                result = "";
                return false;
        }
    }

    private static string TypeError(JsonElement value, string field, string goType) =>
        $"json: cannot unmarshal {GoJsonType.Of(value.ValueKind)} into Go struct field {field} of type {goType}";
}
