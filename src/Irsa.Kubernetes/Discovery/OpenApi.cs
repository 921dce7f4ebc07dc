using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Irsa.Kubernetes;

/// <summary>
/// A minimal OpenAPI v3 (<c>/openapi/v3</c> and one document per group-version): the write paths of each stored
/// resource with their <c>x-kubernetes-group-version-kind</c> and the <c>fieldValidation</c> query parameter.
/// </summary>
/// <remarks>
/// That is what kubectl's <c>--validate=strict</c> (the default of apply and create) looks for: finding it, kubectl
/// leaves validation to the server and sends <c>fieldValidation=Strict</c>, which the decoder enforces. There are no
/// component schemas, so <c>kubectl explain</c> has nothing to show, and apply computes its strategic merge patches
/// from kubectl's compiled-in types, as it does for any kind the OpenAPI does not describe.
/// </remarks>
internal static class OpenApi
{
    /// <summary>The index: each group-version's document, at a URL relative to the server (so with the path base).</summary>
    public static JsonObject Index(string pathBase)
    {
        var paths = new JsonObject();
        foreach (var group in ResourceTable.Groups.Prepend(""))
        {
            var key = group.Length == 0 ? "api/v1" : $"apis/{group}/v1";
            var hash = Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(Document(group).ToJsonString())));
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"{pathBase}/openapi/v3/{key}?hash={hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject Document(string group)
    {
        var paths = new JsonObject();
        foreach (var type in ResourceTable.Stored.Where(r => r.Group == group))
        {
            var root = group.Length == 0 ? "/api/v1" : $"/apis/{group}/v1";
            var path = type.Namespaced ? $"{root}/namespaces/{{namespace}}/{type.Plural}/{{name}}" : $"{root}/{type.Plural}/{{name}}";
            paths[path] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = "patch" + type.Kind,
                    ["parameters"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "fieldValidation",
                        ["in"] = "query",
                        ["description"] = "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict",
                        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
                    }),
                    ["responses"] = new JsonObject(),
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = ResourceType.Version, ["kind"] = type.Kind },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }
}
