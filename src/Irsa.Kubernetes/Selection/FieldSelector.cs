using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;

namespace Irsa.Kubernetes;

/// <summary>
/// A parsed <c>fieldSelector</c>: comma-separated <c>field=value</c>, <c>field==value</c> or <c>field!=value</c> terms over
/// the fields each resource supports (<c>metadata.name</c>, <c>metadata.namespace</c>, and per kind, e.g. pods'
/// <c>spec.nodeName</c>, <c>spec.serviceAccountName</c>, <c>status.phase</c>).
/// </summary>
internal sealed class FieldSelector
{
    private static readonly string[] CommonFields = ["metadata.name", "metadata.namespace"];

    private static readonly Dictionary<string, string[]> KindFields = new(StringComparer.Ordinal)
    {
        ["pods"] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
            "status.podIP", "status.nominatedNodeName"],
        ["namespaces"] = ["status.phase"],
        ["events"] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
            "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", "regarding.kind",
            "regarding.namespace", "regarding.name", "regarding.uid"],
    };

    private readonly List<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(List<(string Field, bool Equal, string Value)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The value of <c>metadata.name=</c> when the selector names one object (kubectl's watch of a named object).</summary>
    public string? Name => _terms.Where(t => t.Field == "metadata.name" && t.Equal).Select(t => t.Value).FirstOrDefault();

    public static FieldSelector Parse(string selector, string resource)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return Everything;
        }

        var terms = new List<(string, bool, string)>();
        foreach (var term in selector.Split(','))
        {
            var (field, equal, value) = Split(term);
            if (!CommonFields.Contains(field) && !(KindFields.TryGetValue(resource, out var fields) && fields.Contains(field)))
            {
                throw new KubernetesStatusException(KubernetesStatus.BadRequest($"field label not supported: {field}"));
            }

            terms.Add((field, equal, value));
        }

        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject value) => _terms.All(t => (Read(value, t.Field) == t.Value) == t.Equal);

    private static (string Field, bool Equal, string Value) Split(string term)
    {
        foreach (var (token, equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var at = term.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                return (term[..at].Trim(), equal, term[(at + token.Length)..].Trim());
            }
        }

        throw new KubernetesStatusException(KubernetesStatus.BadRequest($"invalid selector: '{term}'; can't understand '{term}'"));
    }

    /// <summary>A field's value as the selector compares it: its string form, empty when absent.</summary>
    private static string Read(JsonObject value, string path)
    {
        JsonNode? node = value;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
        }

        return node switch
        {
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            JsonValue v when v.TryGetValue<bool>(out var flag) => flag ? "true" : "false",
            null => "",
            _ => node.ToJsonString(),
        };
    }
}
