using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;
using k8s;

namespace Irsa.Kubernetes;

/// <summary>How unknown fields in a request body are treated (<c>?fieldValidation=</c>, default Warn as in kube-apiserver).</summary>
internal enum FieldValidation
{
    Warn,
    Strict,
    Ignore,
}

/// <summary>
/// Decodes request bodies into KubernetesClient models the way kube-apiserver decodes them: kind and apiVersion must
/// fit the endpoint (absent ones default to it), and unknown fields are reported per <see cref="FieldValidation"/>.
/// </summary>
/// <remarks>
/// Unknown fields are found by comparing the request JSON with the typed object's re-serialization: a member the model
/// does not know disappears in the round trip. Paths are written like Go's strict decoder (<c>spec.containers[0].foo</c>).
/// </remarks>
internal static class KubernetesDecoder
{
    public static FieldValidation ParseFieldValidation(string? value) => value switch
    {
        null or "" => FieldValidation.Warn,
        _ when value.Equals("Warn", StringComparison.OrdinalIgnoreCase) => FieldValidation.Warn,
        _ when value.Equals("Strict", StringComparison.OrdinalIgnoreCase) => FieldValidation.Strict,
        _ when value.Equals("Ignore", StringComparison.OrdinalIgnoreCase) => FieldValidation.Ignore,
        _ => throw new KubernetesStatusException(KubernetesStatus.BadRequest($"fieldValidation parameter unsupported: {GoText.Quote(value)}")),
    };

    /// <summary>Parses a body that must be a JSON object; malformed input is a 400 naming the expected kind.</summary>
    public static JsonObject ParseObject(byte[] body, string expectedKind)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException ex)
        {
            throw Unrecognized(expectedKind, "json parse error: " + FirstSentence(ex.Message));
        }

        return node as JsonObject ?? throw Unrecognized(expectedKind, "the body is not a JSON object");
    }

    /// <summary>Decodes <paramref name="json"/> as <typeparamref name="T"/> after checking its kind and apiVersion.</summary>
    public static T Decode<T>(JsonObject json, string expectedKind, string expectedApiVersion, FieldValidation validation, List<string> warnings)
    {
        var kind = ReadString(json, "kind", expectedKind);
        var apiVersion = ReadString(json, "apiVersion", expectedKind);
        if (kind.Length > 0 && kind != expectedKind)
        {
            var version = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..] : apiVersion;
            throw new KubernetesStatusException(KubernetesStatus.BadRequest(
                $"{kind} in version {GoText.Quote(version)} cannot be handled as a {expectedKind}: the kind does not match the endpoint"));
        }

        if (apiVersion.Length > 0 && apiVersion != expectedApiVersion)
        {
            throw new KubernetesStatusException(KubernetesStatus.BadRequest(
                $"the API version in the data ({apiVersion}) does not match the expected API version ({expectedApiVersion})"));
        }

        T value;
        try
        {
            value = KubernetesJson.Deserialize<T>(json.ToJsonString());
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw new KubernetesStatusException(KubernetesStatus.BadRequest(
                $"{expectedKind} in version {GoText.Quote(VersionOf(expectedApiVersion))} cannot be handled as a {expectedKind}: {FirstSentence(ex.Message)}"));
        }

        if (value is null)
        {
            throw Unrecognized(expectedKind, "the body is empty");
        }

        CheckUnknownFields(json, value, expectedKind, expectedApiVersion, validation, warnings);
        return value;
    }

    /// <summary>Applies <paramref name="validation"/> to the members of <paramref name="json"/> that <paramref name="typed"/> dropped.</summary>
    public static void CheckUnknownFields(JsonObject json, object typed, string kind, string apiVersion, FieldValidation validation, List<string> warnings)
    {
        if (validation == FieldValidation.Ignore)
        {
            return;
        }

        var unknown = new List<string>();
        Compare(json, JsonNode.Parse(KubernetesJson.Serialize(typed)), "", unknown);
        if (unknown.Count == 0)
        {
            return;
        }

        var messages = unknown.Select(path => "unknown field " + GoText.Quote(path)).ToList();
        if (validation == FieldValidation.Strict)
        {
            // As kube-apiserver's handlers wrap decoding errors (transformDecodeError).
            throw new KubernetesStatusException(KubernetesStatus.BadRequest(
                $"{kind} in version {GoText.Quote(VersionOf(apiVersion))} cannot be handled as a {kind}: strict decoding error: {string.Join(", ", messages)}"));
        }

        warnings.AddRange(messages);
    }

    private static void Compare(JsonNode? request, JsonNode? typed, string path, List<string> unknown)
    {
        switch (request)
        {
            case JsonObject requestObject when typed is JsonObject typedObject:
                foreach (var (name, value) in requestObject)
                {
                    var child = path.Length == 0 ? name : path + "." + name;
                    if (typedObject.TryGetPropertyValue(name, out var typedValue))
                    {
                        Compare(value, typedValue, child, unknown);
                    }
                    else if (value is not null)
                    {
                        unknown.Add(child);
                    }
                }

                break;
            case JsonArray requestArray when typed is JsonArray typedArray:
                for (var i = 0; i < requestArray.Count && i < typedArray.Count; i++)
                {
                    Compare(requestArray[i], typedArray[i], $"{path}[{i}]", unknown);
                }

                break;
        }
    }

    private static string ReadString(JsonObject json, string name, string expected) =>
        json.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.TryGetValue<string>(out var text) ? text
        : node is null ? ""
        : throw Unrecognized(expected, $"json parse error: {name} must be a string");

    private static string VersionOf(string apiVersion) =>
        apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..] : apiVersion;

    private static KubernetesStatusException Unrecognized(string expectedKind, string cause) => new(KubernetesStatus.BadRequest(
        $"the object provided is unrecognized (must be of type {expectedKind}): couldn't get version/kind; {cause}"));

    // .NET parser messages end with position details; the first sentence is the useful part.
    public static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
