using System.Globalization;
using System.Text.Json.Nodes;

namespace Irsa.Kubernetes;

/// <summary>
/// Server-side printing: the <c>meta.k8s.io/v1</c> <c>Table</c> kube-apiserver returns when a client asks for
/// <c>application/json;as=Table;v=v1;g=meta.k8s.io</c>, with the columns its printers define for each kind.
/// Columns with priority above 0 are those <c>kubectl get -o wide</c> adds.
/// </summary>
internal static class ObjectTable
{
    private const string NameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
    private const string AgeDescription = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    private static readonly Column Name = new("Name", "string", "name", NameDescription);
    private static readonly Column Age = new("Age", "string", "", AgeDescription);

    /// <summary>Whether the Accept header asks for a Table (kubectl get).</summary>
    public static bool IsRequested(string? accept) =>
        accept is not null && accept.Split(',')[0].Contains("as=Table", StringComparison.Ordinal);

    /// <summary>The table of <paramref name="items"/>; <paramref name="includeObject"/> is the request's <c>includeObject</c> (None, Metadata, Object).</summary>
    public static JsonObject Build(ResourceType type, IEnumerable<JsonObject> items, JsonObject listMetadata, string includeObject, DateTimeOffset now)
    {
        var columns = Columns(type);
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var row = new JsonObject { ["cells"] = new JsonArray([.. Cells(type, item, now)]) };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = item.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = item["metadata"]?.DeepClone(),
                    };
                    break;
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = listMetadata,
            ["columnDefinitions"] = new JsonArray([.. columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            })]),
            ["rows"] = rows,
        };
    }

    private static IReadOnlyList<Column> Columns(ResourceType type) => type.Plural switch
    {
        "pods" =>
        [
            Name,
            new("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic."),
            new("Status", "string", "", "The aggregate status of the containers in this pod."),
            new("Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            Age,
            new("IP", "string", "", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
            new("Node", "string", "", "NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.", 1),
            new("Nominated Node", "string", "", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", 1),
            new("Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1),
        ],
        "namespaces" => [Name, new("Status", "string", "", "The status of the namespace"), Age],
        "serviceaccounts" => [Name, new("Secrets", "string", "", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), Age],
        "roles" or "clusterroles" => [Name, new("Created At", "date", "", AgeDescription)],
        "rolebindings" or "clusterrolebindings" =>
        [
            Name,
            new("Role", "string", "", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable."),
            Age,
            new("Users", "string", "", "Users in the binding", 1),
            new("Groups", "string", "", "Groups in the binding", 1),
            new("ServiceAccounts", "string", "", "ServiceAccounts in the binding", 1),
        ],
        "events" =>
        [
            new("Last Seen", "string", "", "Time when this Event was last observed"),
            new("Type", "string", "", "Type of this event (Normal, Warning), new types could be added in the future"),
            new("Reason", "string", "", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            new("Object", "string", "", "The object that this event is about."),
            new("Message", "string", "", "A human-readable description of the status of this operation."),
        ],
        _ => [Name, Age],
    };

    private static IEnumerable<JsonNode?> Cells(ResourceType type, JsonObject item, DateTimeOffset now)
    {
        var name = Text(item, "metadata", "name");
        var age = AgeOf(Text(item, "metadata", "creationTimestamp"), now);
        switch (type.Plural)
        {
            case "pods":
                var containers = item["spec"]?["containers"] as JsonArray;
                var statuses = item["status"]?["containerStatuses"] as JsonArray;
                var ready = statuses?.Count(s => s?["ready"]?.GetValue<bool>() == true) ?? 0;
                var restarts = statuses?.Sum(s => s?["restartCount"]?.GetValue<int>() ?? 0) ?? 0;
                var reason = Text(item, "status", "reason");
                var gates = item["spec"]?["readinessGates"] as JsonArray;
                return
                [
                    name,
                    $"{ready}/{containers?.Count ?? 0}",
                    item["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : reason.Length > 0 ? reason : Text(item, "status", "phase"),
                    restarts,
                    age,
                    None(Text(item, "status", "podIP")),
                    None(Text(item, "spec", "nodeName")),
                    None(Text(item, "status", "nominatedNodeName")),
                    gates is { Count: > 0 } ? $"0/{gates.Count}" : "<none>",
                ];
            case "namespaces":
                return [name, Text(item, "status", "phase"), age];
            case "serviceaccounts":
                return [name, (item["secrets"] as JsonArray)?.Count ?? 0, age];
            case "roles" or "clusterroles":
                return [name, Text(item, "metadata", "creationTimestamp")];
            case "rolebindings" or "clusterrolebindings":
                var subjects = (item["subjects"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
                return
                [
                    name,
                    $"{Text(item, "roleRef", "kind")}/{Text(item, "roleRef", "name")}",
                    age,
                    Subjects(subjects, "User"),
                    Subjects(subjects, "Group"),
                    Subjects(subjects, "ServiceAccount"),
                ];
            default:
                return [name, age];
        }
    }

    private static string Subjects(List<JsonObject> subjects, string kind) => string.Join(", ", subjects
        .Where(s => s["kind"]?.GetValue<string>() == kind)
        .Select(s => kind == "ServiceAccount" ? $"{s["namespace"]?.GetValue<string>()}/{s["name"]?.GetValue<string>()}" : s["name"]?.GetValue<string>()));

    private static string None(string value) => value.Length == 0 ? "<none>" : value;

    private static string Text(JsonObject item, string parent, string name) => KubernetesObjectStore.Text(item[parent] as JsonObject, name);

    private static string AgeOf(string created, DateTimeOffset now) =>
        DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? HumanDuration(now - at) : "<unknown>";

    /// <summary>Go's <c>duration.HumanDuration</c>, how kube-apiserver prints ages.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)Math.Floor(d.TotalSeconds);
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{s}s");
        }

        if (minutes < 60 * 3)
        {
            return Invariant($"{minutes}m");
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Invariant($"{hours / 24}d") : Invariant($"{hours / 24}d{h}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{hours / 24}d");
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? Invariant($"{hours / 24 / 365}y") : Invariant($"{hours / 24 / 365}y{dy}d");
        }

        return Invariant($"{hours / 24 / 365}y");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Column(string Name, string Type, string Format, string Description, int Priority = 0);
}
