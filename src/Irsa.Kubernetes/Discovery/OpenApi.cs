using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Irsa.Kubernetes;

/// <summary>
/// OpenAPI v3 (<c>/openapi/v3</c> and one document per group-version): the paths of each served resource with their
/// <c>x-kubernetes-group-version-kind</c> (write paths with the <c>fieldValidation</c> query parameter), and the
/// component schemas of the served kinds built from <see cref="KubernetesSchemas"/>.
/// </summary>
/// <remarks>
/// kubectl's <c>--validate=strict</c> (the default of apply and create) looks for a patch path with the object's GVK
/// and <c>fieldValidation</c>: finding it, kubectl leaves validation to the server and sends <c>fieldValidation=Strict</c>,
/// which the decoder enforces. <c>kubectl explain</c> finds the kind's GVK on a path, then the component schema with that
/// GVK, and follows its properties (object fields are <c>allOf</c> a <c>$ref</c>, as kube-apiserver writes them). Patch
/// operations declare no request body, so kubectl apply keeps computing strategic merge patches from its compiled-in types.
/// The documents are static: built once, with the hash the index publishes.
/// </remarks>
internal static class OpenApi
{
    private const string SchemaPrefix = "#/components/schemas/";

    private static readonly FrozenDictionary<string, SchemaType> ByShortName = KubernetesSchemas.Types.ToFrozenDictionary(t => t.ShortName, StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, (string Json, string Hash)>> Documents = new(() =>
        ResourceTable.Groups.Prepend("").ToFrozenDictionary(g => g, g =>
        {
            var json = Build(g).ToJsonString();
            return (json, Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(json))));
        }, StringComparer.Ordinal));

    /// <summary>The index: each group-version's document, at a URL relative to the server (so with the path base).</summary>
    public static JsonObject Index(string pathBase)
    {
        var paths = new JsonObject();
        foreach (var group in ResourceTable.Groups.Prepend(""))
        {
            var key = group.Length == 0 ? "api/v1" : $"apis/{group}/v1";
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"{pathBase}/openapi/v3/{key}?hash={Documents.Value[group].Hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject Document(string group) =>
        Documents.Value.TryGetValue(group, out var document)
            ? (JsonObject)JsonNode.Parse(document.Json)!
            : throw new KubernetesStatusException(KubernetesErrors.PathNotFound());

    private static JsonObject Build(string group)
    {
        var paths = new JsonObject();
        var kinds = new List<SchemaType>();
        var root = group.Length == 0 ? "/api/v1" : $"/apis/{group}/v1";
        foreach (var type in ResourceTable.All.Where(r => r.Group == group && r.Storage != ResourceStorage.AlwaysEmpty))
        {
            // TokenRequest is served by the core group's serviceaccounts/token but is an authentication.k8s.io kind.
            var kindGroup = type.Subresource == "token" ? ResourceTable.AuthenticationGroup : type.Group;
            var gvk = new JsonObject { ["group"] = kindGroup, ["version"] = ResourceType.Version, ["kind"] = type.Kind };
            var schema = KubernetesSchemas.Types.FirstOrDefault(t => t.Kind == type.Kind && t.Group == kindGroup);
            if (schema is not null)
            {
                kinds.Add(schema);
            }

            var collection = type.Namespaced ? $"{root}/namespaces/{{namespace}}/{type.Plural}" : $"{root}/{type.Plural}";
            if (type.Storage == ResourceStorage.Objects)
            {
                paths[collection + "/{name}"] = new JsonObject { ["patch"] = Operation("patch", type.Kind, gvk, fieldValidation: true) };
            }
            else
            {
                var path = type.Subresource.Length > 0 ? $"{collection}/{{name}}/{type.Subresource}" : collection;
                paths[path] = new JsonObject { ["post"] = Operation("create", type.Kind, gvk, fieldValidation: false) };
            }
        }

        var schemas = new JsonObject();
        foreach (var type in Closure(kinds).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            schemas[type.Name] = Schema(type);
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Operation(string action, string kind, JsonObject gvk, bool fieldValidation)
    {
        var operation = new JsonObject { ["operationId"] = action + kind };
        if (fieldValidation)
        {
            operation["parameters"] = new JsonArray(new JsonObject
            {
                ["name"] = "fieldValidation",
                ["in"] = "query",
                ["description"] = "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict",
                ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
            });
        }

        operation["responses"] = new JsonObject();
        operation["x-kubernetes-action"] = action == "create" ? "post" : action;
        operation["x-kubernetes-group-version-kind"] = gvk;
        return operation;
    }

    /// <summary>The kinds and every type their fields refer to, each once.</summary>
    private static List<SchemaType> Closure(IEnumerable<SchemaType> kinds)
    {
        var found = new List<SchemaType>();
        var pending = new Queue<SchemaType>(kinds);
        while (pending.TryDequeue(out var type))
        {
            if (found.Contains(type))
            {
                continue;
            }

            found.Add(type);
            foreach (var field in type.Fields)
            {
                if (ByShortName.TryGetValue(ElementType(field.Type), out var referenced))
                {
                    pending.Enqueue(referenced);
                }
            }
        }

        return found;
    }

    private static string ElementType(string type) =>
        type.StartsWith("[]", StringComparison.Ordinal) ? ElementType(type[2..])
        : type.StartsWith("map[string]", StringComparison.Ordinal) ? ElementType(type["map[string]".Length..])
        : type;

    private static JsonObject Schema(SchemaType type)
    {
        var properties = new JsonObject();
        foreach (var field in type.Fields)
        {
            var property = Property(field.Type);
            property["description"] = field.Description;
            properties[field.Name] = property;
        }

        var schema = new JsonObject { ["description"] = type.Description, ["type"] = "object", ["properties"] = properties };
        if (type.Fields.Where(f => f.Required).Select(f => (JsonNode)f.Name).ToArray() is { Length: > 0 } required)
        {
            schema["required"] = new JsonArray(required);
        }

        if (type.Kind is not null)
        {
            schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject
            {
                ["group"] = type.Group,
                ["kind"] = type.Kind,
                ["version"] = ResourceType.Version,
            });
        }

        return schema;
    }

    /// <summary>The schema of a field type: primitives, <c>date-time</c>, <c>[]T</c>, <c>map[string]T</c> or a reference.</summary>
    private static JsonObject Property(string type) => type switch
    {
        "string" or "integer" or "boolean" => new JsonObject { ["type"] = type },
        "date-time" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        _ when type.StartsWith("[]", StringComparison.Ordinal) => new JsonObject { ["type"] = "array", ["items"] = Property(type[2..]) },
        _ when type.StartsWith("map[string]", StringComparison.Ordinal) =>
            new JsonObject { ["type"] = "object", ["additionalProperties"] = Property(type["map[string]".Length..]) },
        _ => new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = SchemaPrefix + ByShortName[type].Name }) },
    };
}
