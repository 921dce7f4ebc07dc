using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;
using Irsa.Storage;

namespace Irsa.Kubernetes;

/// <summary>
/// <c>?watch=1</c>: streams <c>WatchEvent</c> JSON lines (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) from the cluster's
/// change log after the requested resourceVersion, flushed one by one, until <c>timeoutSeconds</c> or the client leaves.
/// </summary>
/// <remarks>
/// Without a resourceVersion (or with "0") the watch starts with an ADDED event per existing object, as kube-apiserver
/// does. A resourceVersion older than the retained change log is answered with an ERROR event carrying 410 Expired,
/// after which clients list again. With a Table Accept header each event's object is a one-row Table.
/// </remarks>
internal sealed class WatchHandler(IDocumentStore store, TimeProvider time, ClusterChanges changes)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(30);

    public async Task<KubernetesReply> HandleAsync(KubernetesRequest request)
    {
        var route = request.Route;
        var type = route.Type!;
        var input = request.Input;
        var labels = LabelSelector.Parse(input.QueryParameter("labelSelector"));
        var fields = FieldSelector.Parse(input.QueryParameter("fieldSelector"), type.Plural);
        var from = ParseResourceVersion(input.QueryParameter("resourceVersion"));
        var bookmarks = input.QueryParameter("allowWatchBookmarks") is "1" or "true";
        var timeout = long.TryParse(input.QueryParameter("timeoutSeconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, MaxTimeout.TotalSeconds))
            : MaxTimeout;
        var table = ObjectTable.IsRequested(input.Header("Accept"));
        var includeObject = input.QueryParameter("includeObject");
        var current = await KubernetesObjectStore.RevisionAsync(store, request.ClusterId, request.Aborted);

        bool Matches(JsonObject value, string group, string resource)
        {
            if (group != type.Group || resource != type.Plural)
            {
                return false;
            }

            var metadata = value["metadata"] as JsonObject;
            if (type.Namespaced && route.Namespace.Length > 0 && metadata?["namespace"]?.GetValue<string>() != route.Namespace)
            {
                return false;
            }

            if (route.Name.Length > 0 && metadata?["name"]?.GetValue<string>() != route.Name)
            {
                return false;
            }

            var objectLabels = metadata?["labels"] is JsonObject l ? l.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "") : null;
            return labels.Matches(objectLabels) && fields.Matches(value);
        }

        JsonObject Render(JsonObject value) => table
            ? ObjectTable.Build(type, [value], new JsonObject { ["resourceVersion"] = value["metadata"]?["resourceVersion"]?.DeepClone() }, includeObject, time.GetUtcNow())
            : value;

        return KubernetesReply.Streamed(async (stream, cancellationToken) =>
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            var aborted = deadline.Token;
            try
            {
                long last;
                if (from is null)
                {
                    // Initial state: every matching object as ADDED, then changes after the revision it was read at.
                    last = current;
                    if (type.Storage == ResourceStorage.Objects)
                    {
                        foreach (var document in await store.ListAsync(type.Collection, type.Prefix(request.ClusterId, route.Namespace), cancellationToken: aborted))
                        {
                            var value = KubernetesObjectStore.ReadJson(document);
                            if (Matches(value, type.Group, type.Plural))
                            {
                                await WriteAsync(stream, WatchEventTypes.Added, Render(value), aborted);
                            }
                        }
                    }
                }
                else if (from < current - KubernetesObjectStore.RetainedChanges)
                {
                    var gone = new KubernetesStatus(410, "Expired",
                        string.Create(CultureInfo.InvariantCulture, $"too old resource version: {from} ({current - KubernetesObjectStore.RetainedChanges + 1})"));
                    await WriteAsync(stream, WatchEventTypes.Error, JsonNode.Parse(gone.ToJson())!.AsObject(), aborted);
                    return;
                }
                else
                {
                    last = from.Value;
                }

                var lastSent = time.GetTimestamp();
                while (!aborted.IsCancellationRequested)
                {
                    var next = changes.Next(request.ClusterId);
                    var batch = await store.ListAsync(KubernetesObjectStore.Changes, request.ClusterId + "/",
                        KubernetesObjectStore.ChangeKey(request.ClusterId, last), 500, aborted);
                    foreach (var document in batch)
                    {
                        var change = KubernetesObjectStore.ReadJson(document);
                        last = long.Parse(document.Key[(document.Key.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
                        var value = (JsonObject)change["object"]!;
                        if (Matches(value, change["group"]!.GetValue<string>(), change["resource"]!.GetValue<string>()))
                        {
                            await WriteAsync(stream, change["type"]!.GetValue<string>(), Render(value), aborted);
                            lastSent = time.GetTimestamp();
                        }
                    }

                    if (batch.Count > 0)
                    {
                        continue;
                    }

                    if (bookmarks && time.GetElapsedTime(lastSent) >= BookmarkInterval)
                    {
                        await WriteAsync(stream, WatchEventTypes.Bookmark, Bookmark(type, last), aborted);
                        lastSent = time.GetTimestamp();
                    }

                    await Task.WhenAny(next, Task.Delay(PollInterval, time, aborted));
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // The timeout or the client ended the watch; the stream simply ends.
            }
        });
    }

    private static JsonObject Bookmark(ResourceType type, long revision) => new()
    {
        ["kind"] = type.Kind,
        ["apiVersion"] = type.ApiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = KubernetesObjectStore.Version(revision) },
    };

    private static long? ParseResourceVersion(string value)
    {
        if (value is "" or "0")
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : throw new KubernetesStatusException(KubernetesStatus.BadRequest($"invalid resource version: {GoText.Quote(value)}"));
    }

    private static async Task WriteAsync(Stream stream, string type, JsonObject value, CancellationToken cancellationToken)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = value.DeepClone() }.ToJsonString() + "\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
