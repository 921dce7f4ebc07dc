using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// The one handler of every stored resource (<see cref="ResourceStorage.Objects"/> rows of <see cref="ResourceTable"/>):
/// list (label and field selectors, <c>limit</c>/<c>continue</c>, Table output), get, create, update, patch (JSON,
/// merge, strategic merge), delete and deletecollection, with <c>dryRun=All</c>. What differs per kind (pod admission,
/// a namespace's default service account and cascading delete) is an <see cref="ObjectLifecycle"/>.
/// </summary>
/// <remarks>
/// Writes run in one transaction that also takes the cluster's next revision and records the change for watchers,
/// so a failed request leaves nothing behind. A change that alters nothing is not written (as kube-apiserver's no-op
/// update), keeping the object's resourceVersion.
/// </remarks>
internal sealed class ObjectHandler(IDocumentStore store, TimeProvider time, IReadOnlyDictionary<string, ObjectLifecycle> lifecycles, ClusterChanges changes)
{
    // Metadata an update or patch cannot change.
    private static readonly string[] ServerOwnedMetadata = ["namespace", "uid", "creationTimestamp", "deletionTimestamp", "generateName", "resourceVersion"];

    public Task<KubernetesReply> HandleAsync(KubernetesRequest request)
    {
        var route = request.Route;
        var type = route.Type!;
        if (!type.Serves(route.Verb))
        {
            throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed());
        }

        if (type.Storage == ResourceStorage.AlwaysEmpty)
        {
            return route.Verb == "list" ? ListAsync(request, type) : throw new KubernetesStatusException(KubernetesStatus.NotFound(type.Group, type.Plural, route.Name));
        }

        return route.Verb switch
        {
            "list" => ListAsync(request, type),
            "get" when route.Name.Length > 0 => GetAsync(request, type),
            "create" when route.Name.Length == 0 && (!type.Namespaced || route.Namespace.Length > 0) => CreateAsync(request, type),
            "update" when route.Name.Length > 0 => UpdateAsync(request, type),
            "patch" when route.Name.Length > 0 => PatchAsync(request, type),
            "delete" when route.Name.Length > 0 => DeleteAsync(request, type),
            "deletecollection" when !type.Namespaced || route.Namespace.Length > 0 => DeleteCollectionAsync(request, type),
            _ => throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed()),
        };
    }

    private ObjectLifecycle Lifecycle(ResourceType type) => lifecycles.TryGetValue(type.Plural, out var lifecycle) ? lifecycle : ObjectLifecycle.Default;

    private async Task<KubernetesReply> ListAsync(KubernetesRequest request, ResourceType type)
    {
        var labels = LabelSelector.Parse(request.Input.QueryParameter("labelSelector"));
        var fields = FieldSelector.Parse(request.Input.QueryParameter("fieldSelector"), type.Plural);
        var limit = long.TryParse(request.Input.QueryParameter("limit"), out var l) && l > 0 ? l : long.MaxValue;
        var start = ContinueToken.Parse(request.Input.QueryParameter("continue"));
        var prefix = type.Prefix(request.ClusterId, request.Route.Namespace);
        var (documents, revision) = await store.TransactAsync(async session =>
        {
            var revisionDocument = await session.GetAsync(KubernetesObjectStore.Revisions, request.ClusterId);
            var listed = type.Storage == ResourceStorage.Objects ? await session.ListAsync(type.Collection, prefix, start) : [];
            return (listed, revisionDocument?.Version ?? 0);
        }, request.Aborted);

        var items = new List<JsonObject>();
        string? next = null;
        var remaining = 0L;
        foreach (var document in documents)
        {
            var item = KubernetesObjectStore.ReadJson(document);
            if (!labels.Matches(Labels(item)) || !fields.Matches(item))
            {
                continue;
            }

            if (items.Count >= limit)
            {
                remaining++;
                continue;
            }

            items.Add(item);
            next = document.Key;
        }

        var metadata = new JsonObject { ["resourceVersion"] = KubernetesObjectStore.Version(revision) };
        if (remaining > 0)
        {
            metadata["continue"] = ContinueToken.Create(next!, revision);
            metadata["remainingItemCount"] = remaining;
        }

        if (ObjectTable.IsRequested(request.Input.Header("Accept")))
        {
            return KubernetesReply.Json(200, ObjectTable.Build(type, items, metadata, request.Input.QueryParameter("includeObject"), time.GetUtcNow()));
        }

        return KubernetesReply.Json(200, new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray([.. items]),
        });
    }

    private async Task<KubernetesReply> GetAsync(KubernetesRequest request, ResourceType type)
    {
        var name = request.Route.Name;
        var document = await store.GetAsync(type.Collection, Key(request, type, name), request.Aborted)
            ?? throw new KubernetesStatusException(KubernetesStatus.NotFound(type.Group, type.Plural, name));
        return Reply(request, type, 200, KubernetesObjectStore.ReadJson(document));
    }

    private async Task<KubernetesReply> CreateAsync(KubernetesRequest request, ResourceType type)
    {
        var ns = type.Namespaced ? request.Route.Namespace : null;
        var value = await DecodeAsync(request, type);
        var metadata = KubernetesObjectStore.Metadata(value);
        CheckNamespace(metadata, request.Route.Namespace, type);
        var meta = k8s.KubernetesJson.Deserialize<V1ObjectMeta>(metadata.ToJsonString());
        KubernetesNames.Generate(meta);
        var lifecycle = Lifecycle(type);
        var errors = lifecycle.ValidateName(meta.Name);
        if (errors.Count > 0)
        {
            throw new KubernetesStatusException(KubernetesStatus.Invalid(type.Group, type.Kind, meta.Name ?? "", errors));
        }

        KubernetesObjectStore.InitializeMetadata(meta, ns, KubernetesRequest.Now(time));
        value["metadata"] = KubernetesRequest.ToJson(meta);
        value = await lifecycle.AdmitCreateAsync(request, type, value);
        var name = meta.Name!;
        if (DryRun(request))
        {
            return Reply(request, type, 201, value);
        }

        await store.TransactAsync(async session =>
        {
            if (ns is not null)
            {
                await KubernetesObjectStore.EnsureNamespaceAsync(session, request.ClusterId, ns);
            }

            if (await session.GetAsync(type.Collection, Key(request, type, name)) is not null)
            {
                throw new KubernetesStatusException(KubernetesErrors.AlreadyExists(type.Plural, name, type.Group));
            }

            await KubernetesObjectStore.PutAsync(session, request.ClusterId, type, Key(request, type, name), value, 0, WatchEventTypes.Added);
            await lifecycle.AfterCreateAsync(session, request, value);
            await lifecycle.ChangedAsync(session, request, type);
            return true;
        }, request.Aborted);
        changes.Notify(request.ClusterId);
        lifecycle.Written(request, type, name);
        return Reply(request, type, 201, value);
    }

    private async Task<KubernetesReply> UpdateAsync(KubernetesRequest request, ResourceType type)
    {
        var value = await DecodeAsync(request, type);
        var bodyName = value["metadata"]?["name"]?.GetValue<string>() ?? "";
        if (bodyName != request.Route.Name)
        {
            throw new KubernetesStatusException(KubernetesErrors.NameMismatch(bodyName, request.Route.Name));
        }

        return await ReplaceAsync(request, type, _ => value);
    }

    private async Task<KubernetesReply> PatchAsync(KubernetesRequest request, ResourceType type)
    {
        var mediaType = request.Input.Header("Content-Type")?.Split(';')[0].Trim();
        if (!KubernetesPatch.IsSupported(mediaType))
        {
            throw new KubernetesStatusException(KubernetesErrors.UnsupportedPatch(mediaType ?? ""));
        }

        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(await request.ReadBodyAsync());
        }
        catch (JsonException ex)
        {
            throw new KubernetesStatusException(KubernetesStatus.BadRequest("error decoding patch: " + KubernetesDecoder.FirstSentence(ex.Message)));
        }

        var validation = request.FieldValidation;
        return await ReplaceAsync(request, type, current =>
        {
            var patched = KubernetesPatch.Apply(mediaType!, current, patch);
            return type.Decode is null ? patched : type.Decode(patched, type.Kind, type.ApiVersion, validation, request.Warnings);
        });
    }

    /// <summary>
    /// Replaces the stored object with <paramref name="change"/>'s result: server-owned metadata is kept, a client
    /// resourceVersion must match, and a change that alters nothing is not written.
    /// </summary>
    private async Task<KubernetesReply> ReplaceAsync(KubernetesRequest request, ResourceType type, Func<JsonObject, JsonObject> change)
    {
        var name = request.Route.Name;
        var key = Key(request, type, name);
        var lifecycle = Lifecycle(type);
        var dryRun = DryRun(request);
        var (result, written) = await store.TransactAsync(async session =>
        {
            var (current, version) = await KubernetesObjectStore.GetAsync(session, type, key, name);
            var value = change((JsonObject)current.DeepClone());
            var metadata = KubernetesObjectStore.Metadata(value);
            var bodyName = metadata["name"]?.GetValue<string>() ?? "";
            if (bodyName != name)
            {
                throw new KubernetesStatusException(KubernetesErrors.NameMismatch(bodyName, name));
            }

            CheckNamespace(metadata, request.Route.Namespace, type);
            var stored = current["metadata"]!["resourceVersion"]?.GetValue<string>();
            var requested = metadata["resourceVersion"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(requested) && requested != stored)
            {
                throw new KubernetesStatusException(KubernetesErrors.Modified(type.Plural, name, type.Group));
            }

            value["apiVersion"] = type.ApiVersion;
            value["kind"] = type.Kind;
            foreach (var owned in ServerOwnedMetadata)
            {
                metadata.Remove(owned);
                if (current["metadata"]![owned] is { } kept)
                {
                    metadata[owned] = kept.DeepClone();
                }
            }

            lifecycle.ValidateUpdate(type, current, value);
            if (JsonNode.DeepEquals(current, value))
            {
                return (value, false);
            }

            await lifecycle.AdmitUpdateAsync(request, type, current, value);
            if (dryRun)
            {
                return (value, false);
            }

            await KubernetesObjectStore.PutAsync(session, request.ClusterId, type, key, value, version, WatchEventTypes.Modified);
            await lifecycle.ChangedAsync(session, request, type);
            return (value, true);
        }, request.Aborted);
        if (written)
        {
            changes.Notify(request.ClusterId);
        }

        return Reply(request, type, 200, result);
    }

    private async Task<KubernetesReply> DeleteAsync(KubernetesRequest request, ResourceType type)
    {
        var name = request.Route.Name;
        var options = await ReadDeleteOptionsAsync(request);
        var lifecycle = Lifecycle(type);
        var dryRun = DryRun(request);
        var deleted = await store.TransactAsync(async session =>
        {
            var (current, _) = await KubernetesObjectStore.GetAsync(session, type, Key(request, type, name), name);
            CheckPreconditions(options, current, type, name);
            var answer = lifecycle.BeforeDelete(type, current);
            if (!dryRun)
            {
                await lifecycle.CascadeAsync(session, request, current);
                await KubernetesObjectStore.DeleteAsync(session, request.ClusterId, type, Key(request, type, name), current);
                await lifecycle.ChangedAsync(session, request, type);
            }

            return answer;
        }, request.Aborted);
        if (!dryRun)
        {
            changes.Notify(request.ClusterId);
            lifecycle.Written(request, type, name);
        }

        return Reply(request, type, 200, deleted);
    }

    private async Task<KubernetesReply> DeleteCollectionAsync(KubernetesRequest request, ResourceType type)
    {
        var labels = LabelSelector.Parse(request.Input.QueryParameter("labelSelector"));
        var fields = FieldSelector.Parse(request.Input.QueryParameter("fieldSelector"), type.Plural);
        var lifecycle = Lifecycle(type);
        var dryRun = DryRun(request);
        var deleted = await store.TransactAsync(async session =>
        {
            var items = new List<JsonObject>();
            foreach (var document in await session.ListAsync(type.Collection, type.Prefix(request.ClusterId, request.Route.Namespace)))
            {
                var item = KubernetesObjectStore.ReadJson(document);
                if (!labels.Matches(Labels(item)) || !fields.Matches(item))
                {
                    continue;
                }

                items.Add(lifecycle.BeforeDelete(type, item));
                if (!dryRun)
                {
                    await lifecycle.CascadeAsync(session, request, item);
                    await KubernetesObjectStore.DeleteAsync(session, request.ClusterId, type, document.Key, item);
                }
            }

            if (!dryRun && items.Count > 0)
            {
                await lifecycle.ChangedAsync(session, request, type);
            }

            return items;
        }, request.Aborted);
        if (!dryRun)
        {
            changes.Notify(request.ClusterId);
            lifecycle.Written(request, type, "");
        }

        return KubernetesReply.Json(200, new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray([.. deleted]),
        });
    }

    private static async Task<JsonObject?> ReadDeleteOptionsAsync(KubernetesRequest request)
    {
        var body = await request.ReadBodyAsync();
        if (body.Length == 0 || body.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            return null;
        }

        var options = KubernetesDecoder.ParseObject(body, "DeleteOptions");
        var policy = options["propagationPolicy"]?.GetValue<string>();
        if (policy is not (null or "Orphan" or "Background" or "Foreground"))
        {
            throw new KubernetesStatusException(KubernetesStatus.Invalid("", "DeleteOptions", "", [new FieldError("propagationPolicy", $"Unsupported value: {GoText.Quote(policy)}: supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"", "FieldValueNotSupported")]));
        }

        return options;
    }

    private static void CheckPreconditions(JsonObject? options, JsonObject current, ResourceType type, string name)
    {
        if (options?["preconditions"] is not JsonObject preconditions)
        {
            return;
        }

        var metadata = current["metadata"]!;
        if (preconditions["uid"]?.GetValue<string>() is { } uid && uid != metadata["uid"]?.GetValue<string>())
        {
            throw new KubernetesStatusException(KubernetesStatus.Conflict(type.Group, type.Plural, name,
                $"Precondition failed: UID in precondition: {uid}, UID in object meta: {metadata["uid"]?.GetValue<string>()}"));
        }

        if (preconditions["resourceVersion"]?.GetValue<string>() is { } rv && rv != metadata["resourceVersion"]?.GetValue<string>())
        {
            throw new KubernetesStatusException(KubernetesStatus.Conflict(type.Group, type.Plural, name,
                $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {metadata["resourceVersion"]?.GetValue<string>()}"));
        }
    }

    /// <summary>Decodes a request object through the kind's model (kind, apiVersion, unknown fields), as JSON.</summary>
    private static async Task<JsonObject> DecodeAsync(KubernetesRequest request, ResourceType type)
    {
        var json = await request.ReadJsonAsync(type.Kind);
        var value = type.Decode is null
            ? json
            : type.Decode(json, type.Kind, type.ApiVersion, request.FieldValidation, request.Warnings);
        request.RecordRequestObject(KubernetesObjectStore.Metadata(json));
        value["apiVersion"] = type.ApiVersion;
        value["kind"] = type.Kind;
        return value;
    }

    private static void CheckNamespace(JsonObject metadata, string ns, ResourceType type)
    {
        var bodyNamespace = metadata["namespace"]?.GetValue<string>();
        if (type.Namespaced && !string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != ns)
        {
            throw new KubernetesStatusException(KubernetesErrors.NamespaceMismatch());
        }
    }

    private static bool DryRun(KubernetesRequest request)
    {
        var dryRun = request.Input.QueryParameter("dryRun");
        return dryRun switch
        {
            "" => false,
            "All" => true,
            _ => throw new KubernetesStatusException(KubernetesStatus.BadRequest($"Invalid dry run value: {GoText.Quote(dryRun)}")),
        };
    }

    private static Dictionary<string, string>? Labels(JsonObject item) =>
        item["metadata"]?["labels"] is JsonObject labels ? labels.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "") : null;

    private static string Key(KubernetesRequest request, ResourceType type, string name) => type.Key(request.ClusterId, request.Route.Namespace, name);

    private KubernetesReply Reply(KubernetesRequest request, ResourceType type, int status, JsonObject value)
    {
        if (ObjectTable.IsRequested(request.Input.Header("Accept")))
        {
            var metadata = new JsonObject { ["resourceVersion"] = value["metadata"]?["resourceVersion"]?.DeepClone() };
            return KubernetesReply.Json(status, ObjectTable.Build(type, [value], metadata, request.Input.QueryParameter("includeObject"), time.GetUtcNow()));
        }

        return KubernetesReply.Json(status, value);
    }
}

/// <summary>kube-apiserver's continue token: base64 of the list's revision and the key to continue after.</summary>
internal static class ContinueToken
{
    public static string Create(string key, long revision) => Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject
    {
        ["v"] = "meta.k8s.io/v1",
        ["rv"] = revision,
        ["start"] = key,
    }.ToJsonString()));

    /// <summary>The key to list after, null without a token; a malformed token is a 400.</summary>
    public static string? Parse(string token)
    {
        if (token.Length == 0)
        {
            return null;
        }

        try
        {
            var json = JsonNode.Parse(Convert.FromBase64String(token)) as JsonObject;
            return json?["start"]?.GetValue<string>() ?? throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            throw new KubernetesStatusException(KubernetesStatus.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"));
        }
    }
}
