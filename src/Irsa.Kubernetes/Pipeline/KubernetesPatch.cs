using System.Text.Json.Nodes;

namespace Irsa.Kubernetes;

/// <summary>The PATCH formats the API accepts, applied to an object's JSON.</summary>
/// <remarks>
/// Strategic merge patch is applied as a JSON merge patch with its <c>$</c> directives dropped. That is exact for
/// maps (labels, annotations) and scalars; lists are replaced rather than merged by key.
/// </remarks>
internal static class KubernetesPatch
{
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";

    public static bool IsSupported(string? mediaType) => mediaType is MergePatch or StrategicMergePatch;

    /// <summary>RFC 7386: objects merge recursively, <c>null</c> deletes, anything else replaces.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (name, value) in patchObject)
        {
            if (name.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result.TryGetPropertyValue(name, out var existing);
                result[name] = Apply(existing, value);
            }
        }

        return result;
    }
}
