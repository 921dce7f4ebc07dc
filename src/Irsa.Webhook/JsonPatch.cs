using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Irsa.Webhook;

/// <summary>
/// A small RFC 6902 JSON Patch applier for the operations an admission webhook emits:
/// <c>add</c>, <c>replace</c> and <c>remove</c>, with RFC 6901 JSON Pointers (including <c>-</c>
/// to append to an array). Irsa admits pods in-process, so it applies the webhook's patch itself
/// instead of letting an API server do it.
/// </summary>
public static class JsonPatch
{
    /// <summary>Applies <paramref name="patch"/> (UTF-8 JSON array of operations) to a copy of <paramref name="document"/>.</summary>
    /// <exception cref="JsonPatchException">The patch is malformed or a path does not resolve.</exception>
    public static JsonNode? Apply(JsonNode? document, ReadOnlySpan<byte> patch)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(patch);
        }
        catch (JsonException e)
        {
            throw new JsonPatchException("The patch is not valid JSON: " + e.Message, e);
        }

        return Apply(document, parsed as JsonArray ?? throw new JsonPatchException("A JSON Patch must be an array of operations."));
    }

    /// <summary>Applies every operation in order to a copy of <paramref name="document"/>; the input is not changed.</summary>
    /// <exception cref="JsonPatchException">An operation is malformed or a path does not resolve.</exception>
    public static JsonNode? Apply(JsonNode? document, JsonArray operations)
    {
        ArgumentNullException.ThrowIfNull(operations);

        // RFC 6902 §5: a patch is atomic; working on a copy means a failure leaves the caller's document intact.
        var root = document?.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op)
            {
                throw new JsonPatchException("Each JSON Patch operation must be an object.");
            }

            var name = RequiredString(op, "op");
            var path = RequiredString(op, "path");
            root = name switch
            {
                "add" => Add(root, path, Value(op)),
                "replace" => Replace(root, path, Value(op)),
                "remove" => Remove(root, path),
                _ => throw new JsonPatchException($"Unsupported JSON Patch operation \"{name}\"."),
            };
        }

        return root;
    }

    private static JsonNode? Add(JsonNode? root, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value;
        }

        var (parent, token) = ResolveParent(root, path);
        switch (parent)
        {
            case JsonObject obj:
                // "add" on an existing member replaces it (RFC 6902 §4.1).
                obj[token] = value;
                break;
            case JsonArray array:
                var index = token == "-" ? array.Count : ArrayIndex(token, array.Count, path, allowEnd: true);
                array.Insert(index, value);
                break;
            default:
                throw new JsonPatchException($"The parent of \"{path}\" is not an object or array.");
        }

        return root;
    }

    private static JsonNode? Replace(JsonNode? root, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value;
        }

        var (parent, token) = ResolveParent(root, path);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(token):
                obj[token] = value;
                break;
            case JsonArray array:
                array[ArrayIndex(token, array.Count, path, allowEnd: false)] = value;
                break;
            default:
                throw new JsonPatchException($"The target \"{path}\" does not exist.");
        }

        return root;
    }

    private static JsonNode? Remove(JsonNode? root, string path)
    {
        if (path.Length == 0)
        {
            throw new JsonPatchException("Removing the whole document is not supported.");
        }

        var (parent, token) = ResolveParent(root, path);
        switch (parent)
        {
            case JsonObject obj when obj.Remove(token):
                break;
            case JsonArray array:
                array.RemoveAt(ArrayIndex(token, array.Count, path, allowEnd: false));
                break;
            default:
                throw new JsonPatchException($"The target \"{path}\" does not exist.");
        }

        return root;
    }

    /// <summary>Walks every token but the last; returns the container and the (unescaped) last token.</summary>
    private static (JsonNode? Parent, string Token) ResolveParent(JsonNode? root, string path)
    {
        if (path[0] != '/')
        {
            throw new JsonPatchException($"\"{path}\" is not a JSON Pointer.");
        }

        var tokens = path[1..].Split('/');
        var current = root;
        for (var i = 0; i < tokens.Length - 1; i++)
        {
            var token = Unescape(tokens[i], path);
            current = current switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array => array[ArrayIndex(token, array.Count, path, allowEnd: false)],
                _ => throw new JsonPatchException($"The path \"{path}\" does not exist."),
            };
        }

        return (current, Unescape(tokens[^1], path));
    }

    /// <summary>RFC 6901 §4: <c>~1</c> is <c>/</c> and <c>~0</c> is <c>~</c>, decoded in that order.</summary>
    private static string Unescape(string token, string path)
    {
        if (!token.Contains('~', StringComparison.Ordinal))
        {
            return token;
        }

        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '~' && (i + 1 == token.Length || token[i + 1] is not ('0' or '1')))
            {
                throw new JsonPatchException($"\"{path}\" has an invalid escape.");
            }
        }

        return token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
    }

    private static int ArrayIndex(string token, int count, string path, bool allowEnd)
    {
        // RFC 6901: decimal digits, no leading zeros (except "0" itself), no sign.
        var wellFormed = token.Length > 0 && token.All(char.IsAsciiDigit) && (token.Length == 1 || token[0] != '0');
        if (!wellFormed || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new JsonPatchException($"\"{token}\" in \"{path}\" is not an array index.");
        }

        if (index > count || (index == count && !allowEnd))
        {
            throw new JsonPatchException($"The index in \"{path}\" is out of range.");
        }

        return index;
    }

    private static string RequiredString(JsonObject op, string member) =>
        op[member] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new JsonPatchException($"A JSON Patch operation needs a string \"{member}\".");

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var value)
            ? value?.DeepClone()
            : throw new JsonPatchException("A JSON Patch \"add\" or \"replace\" needs a \"value\".");
}

/// <summary>A JSON Patch could not be applied.</summary>
public sealed class JsonPatchException : Exception
{
    public JsonPatchException()
    {
    }

    public JsonPatchException(string message)
        : base(message)
    {
    }

    public JsonPatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
