using System.Globalization;
using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;

namespace Irsa.Kubernetes;

/// <summary>The PATCH formats the API accepts, applied to an object's JSON.</summary>
/// <remarks>
/// Strategic merge patch is RFC 7386 plus Kubernetes' list handling for the lists that carry a merge key: lists of
/// objects that all have a <c>name</c> (containers, volumes, env...) or a <c>containerPort</c> merge element by element;
/// <c>$patch: delete|replace</c> and <c>$deleteFromPrimitiveList/</c> are honoured; <c>$setElementOrder/</c> and
/// <c>$retainKeys</c> are accepted and ignored (order is kept as stored).
/// </remarks>
internal static class KubernetesPatch
{
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";

    // The merge keys of the lists this API's kinds have (containers, volumes, env, ports...).
    private static readonly string[] MergeKeys = ["name", "containerPort"];

    public static bool IsSupported(string? mediaType) => mediaType is JsonPatch or MergePatch or StrategicMergePatch;

    /// <summary>Applies a patch body of <paramref name="mediaType"/> to <paramref name="target"/>; errors are kube-apiserver's Status.</summary>
    public static JsonObject Apply(string mediaType, JsonObject target, JsonNode? patch)
    {
        JsonNode? result = mediaType switch
        {
            JsonPatch => ApplyJsonPatch(target, patch as JsonArray
                ?? throw new KubernetesStatusException(KubernetesStatus.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch"))),
            MergePatch => Merge(target, patch as JsonObject ?? throw NotAnObject(), strategic: false),
            _ => Merge(target, patch as JsonObject ?? throw NotAnObject(), strategic: true),
        };
        return result as JsonObject ?? throw new KubernetesStatusException(KubernetesStatus.BadRequest("the patched object is not a JSON object"));
    }

    /// <summary>RFC 7386: objects merge recursively, <c>null</c> deletes, anything else replaces.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch) =>
        patch is JsonObject patchObject ? Merge(target, patchObject, strategic: false) : patch?.DeepClone();

    private static KubernetesStatusException NotAnObject() =>
        new(KubernetesStatus.BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}"));

    private static JsonObject Merge(JsonNode? target, JsonObject patch, bool strategic)
    {
        if (strategic && patch["$patch"]?.GetValue<string>() == "replace")
        {
            var replaced = (JsonObject)patch.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (name, value) in patch)
        {
            if (strategic && name.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = name["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray list && value is JsonArray remove)
                {
                    var removed = remove.Select(r => r?.ToJsonString()).ToHashSet();
                    result[field] = new JsonArray([.. list.Where(i => !removed.Contains(i?.ToJsonString())).Select(i => i?.DeepClone())]);
                }

                continue;
            }

            if (name.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                result.Remove(name);
                continue;
            }

            result.TryGetPropertyValue(name, out var existing);
            result[name] = value switch
            {
                JsonObject child => Merge(existing, child, strategic),
                JsonArray list when strategic && existing is JsonArray current && MergeKey(list) is { } key => MergeList(current, list, key),
                _ => StripDirectives(value.DeepClone()),
            };
        }

        return result;
    }

    /// <summary>The merge key of a list of objects: <c>name</c> or <c>containerPort</c> when every element has it.</summary>
    private static string? MergeKey(JsonArray list)
    {
        if (list.Count == 0 || list.Any(e => e is not JsonObject))
        {
            return null;
        }

        return MergeKeys.FirstOrDefault(key => list.All(e => e is JsonObject o && o.ContainsKey(key)));
    }

    private static JsonArray MergeList(JsonArray current, JsonArray patch, string key)
    {
        var result = current.Select(e => e?.DeepClone()).ToList();
        foreach (var element in patch.OfType<JsonObject>())
        {
            var id = element[key]?.ToJsonString();
            var at = result.FindIndex(e => e is JsonObject o && o[key]?.ToJsonString() == id);
            if (element["$patch"]?.GetValue<string>() == "delete")
            {
                if (at >= 0)
                {
                    result.RemoveAt(at);
                }
            }
            else if (at >= 0)
            {
                result[at] = Merge(result[at], element, strategic: true);
            }
            else
            {
                result.Add(StripDirectives(element.DeepClone()));
            }
        }

        return new JsonArray([.. result]);
    }

    private static JsonNode? StripDirectives(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            foreach (var name in o.Select(p => p.Key).Where(k => k.StartsWith('$')).ToList())
            {
                o.Remove(name);
            }

            foreach (var (_, child) in o)
            {
                StripDirectives(child);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
            {
                StripDirectives(child);
            }
        }

        return node;
    }

    /// <summary>RFC 6902 (add, remove, replace, move, copy, test) with RFC 6901 pointers; the first failing operation fails the patch.</summary>
    private static JsonNode? ApplyJsonPatch(JsonObject target, JsonArray operations)
    {
        JsonNode? document = target.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op || op["op"] is not JsonValue opValue || !opValue.TryGetValue<string>(out var name))
            {
                throw Unprocessable("Unexpected kind: <nil>");
            }

            var path = Pointer(op, "path");
            switch (name)
            {
                case "add":
                    document = Add(document, path, Value(op));
                    break;
                case "remove":
                    document = Remove(document, path, out _);
                    break;
                case "replace":
                    document = Remove(document, path, out _);
                    document = Add(document, path, Value(op));
                    break;
                case "move":
                    var from = Pointer(op, "from");
                    document = Remove(document, from, out var moved);
                    document = Add(document, path, moved);
                    break;
                case "copy":
                    document = Add(document, path, Get(document, Pointer(op, "from"))?.DeepClone());
                    break;
                case "test":
                    var actual = Get(document, path);
                    if (!JsonNode.DeepEquals(actual, op["value"]))
                    {
                        throw Unprocessable($"testing value {op["path"]!.GetValue<string>()} failed: test failed");
                    }

                    break;
                default:
                    throw Unprocessable($"Unexpected kind: {name}");
            }
        }

        return document;
    }

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw Unprocessable("missing value");

    private static List<string> Pointer(JsonObject op, string member)
    {
        if (op[member] is not JsonValue value || !value.TryGetValue<string>(out var pointer))
        {
            throw Unprocessable($"missing '{member}' parameter");
        }

        if (pointer.Length == 0)
        {
            return [];
        }

        if (!pointer.StartsWith('/'))
        {
            throw Unprocessable($"add operation does not apply: doc is missing path: \"{pointer}\": missing value");
        }

        return [.. pointer[1..].Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static JsonNode? Get(JsonNode? document, List<string> path)
    {
        var node = document;
        foreach (var part in path)
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(part, out var child) => child,
                JsonArray a when Index(part, a.Count) is { } i && i < a.Count => a[i],
                _ => throw Missing(path),
            };
        }

        return node;
    }

    private static JsonNode? Add(JsonNode? document, List<string> path, JsonNode? value)
    {
        if (path.Count == 0)
        {
            return value;
        }

        var parent = Get(document, path[..^1]);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                var index = last == "-" ? a.Count : Index(last, a.Count + 1) ?? throw Missing(path);
                a.Insert(index, value);
                break;
            default:
                throw Missing(path);
        }

        return document;
    }

    private static JsonNode? Remove(JsonNode? document, List<string> path, out JsonNode? removed)
    {
        if (path.Count == 0)
        {
            removed = document;
            return null;
        }

        var parent = Get(document, path[..^1]);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out var child):
                o.Remove(last);
                removed = child;
                break;
            case JsonArray a when Index(last, a.Count) is { } i:
                removed = a[i];
                a.RemoveAt(i);
                break;
            default:
                throw Missing(path);
        }

        return document;
    }

    private static int? Index(string part, int count) =>
        int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < count ? i : null;

    private static KubernetesStatusException Missing(List<string> path) =>
        Unprocessable($"doc is missing path: \"/{string.Join('/', path)}\": missing value");

    // kube-apiserver answers a JSON patch that cannot be applied with a generic 422 whose cause carries the patch
    // library's message (apimachinery's NewGenericServerResponse).
    private static KubernetesStatusException Unprocessable(string message) => new(new KubernetesStatus(422, "Invalid",
        "the server rejected our request due to an error in our request",
        new KubernetesStatusDetails(Causes: [new KubernetesStatusCause("UnexpectedServerResponse", message, null)])));
}
