using Irsa.Cluster.Errors;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary><c>/api/v1/[namespaces/{ns}/]serviceaccounts[/{name}]</c>: create, get, list, update, patch, delete.</summary>
internal sealed class ServiceAccountHandler(IDocumentStore store, TimeProvider time)
{
    private const string Resource = "serviceaccounts";
    private const string Kind = "ServiceAccount";
    private const string Collection = KubernetesObjects.ServiceAccounts;

    public Task<KubernetesReply> HandleAsync(KubernetesRequest request) => (request.Route.Verb, request.Route.Name.Length > 0) switch
    {
        ("list", false) => ListAsync(request),
        ("create", false) when request.Route.Namespace.Length > 0 => CreateAsync(request),
        ("get", true) => GetAsync(request),
        ("update", true) => UpdateAsync(request),
        ("patch", true) => PatchAsync(request),
        ("delete", true) => DeleteAsync(request),
        _ => throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed()),
    };

    private async Task<KubernetesReply> ListAsync(KubernetesRequest request)
    {
        var prefix = request.Route.Namespace.Length > 0 ? KubernetesObjects.ObjectKey(request.ClusterId, request.Route.Namespace, "") : request.ClusterId + "/";
        var (items, version) = await KubernetesObjectStore.ListAsync<V1ServiceAccount>(store, Collection, prefix, request.Aborted);
        return KubernetesRequest.Reply(200, new V1ServiceAccountList
        {
            ApiVersion = "v1",
            Kind = "ServiceAccountList",
            Metadata = new V1ListMeta { ResourceVersion = version },
            Items = items,
        });
    }

    private async Task<KubernetesReply> GetAsync(KubernetesRequest request)
    {
        var (account, _) = await store.TransactAsync(session => KubernetesObjectStore.GetAsync<V1ServiceAccount>(
            session, Collection, Key(request, request.Route.Name), Resource, request.Route.Name), request.Aborted);
        return KubernetesRequest.Reply(200, account);
    }

    private async Task<KubernetesReply> CreateAsync(KubernetesRequest request)
    {
        var ns = request.Route.Namespace;
        var account = await request.ReadObjectAsync<V1ServiceAccount>(Kind, "v1");
        account.Metadata ??= new V1ObjectMeta();
        CheckNamespace(account.Metadata, ns);
        KubernetesNames.Generate(account.Metadata);
        Validate(account.Metadata.Name);

        account.ApiVersion = "v1";
        account.Kind = Kind;
        KubernetesObjectStore.InitializeMetadata(account.Metadata, ns, KubernetesRequest.Now(time));
        var name = account.Metadata.Name;
        var version = await store.TransactAsync(async session =>
        {
            await KubernetesObjectStore.EnsureNamespaceAsync(session, request.ClusterId, ns);
            if (await session.GetAsync(Collection, Key(request, name)) is not null)
            {
                throw new KubernetesStatusException(KubernetesErrors.AlreadyExists(Resource, name));
            }

            return await KubernetesObjectStore.WriteAsync(session, Collection, Key(request, name), account, expectedVersion: 0);
        }, request.Aborted);
        account.Metadata.ResourceVersion = KubernetesRequest.Version(version);
        return KubernetesRequest.Reply(201, account);
    }

    private async Task<KubernetesReply> UpdateAsync(KubernetesRequest request)
    {
        var name = request.Route.Name;
        var account = await request.ReadObjectAsync<V1ServiceAccount>(Kind, "v1");
        account.Metadata ??= new V1ObjectMeta();
        CheckNamespace(account.Metadata, request.Route.Namespace);
        if (account.Metadata.Name != name)
        {
            throw new KubernetesStatusException(KubernetesErrors.NameMismatch(account.Metadata.Name ?? "", name));
        }

        var updated = await store.TransactAsync(session => ReplaceAsync(session, request, _ => account), request.Aborted);
        return KubernetesRequest.Reply(200, updated);
    }

    private async Task<KubernetesReply> PatchAsync(KubernetesRequest request)
    {
        var mediaType = request.Input.Header("Content-Type")?.Split(';')[0].Trim();
        if (!KubernetesPatch.IsSupported(mediaType))
        {
            throw new KubernetesStatusException(KubernetesErrors.UnsupportedPatch(mediaType ?? ""));
        }

        var validation = request.FieldValidation;
        var patch = KubernetesDecoder.ParseObject(await request.ReadBodyAsync(), Kind);
        var updated = await store.TransactAsync(session => ReplaceAsync(session, request, current =>
        {
            var merged = KubernetesPatch.Apply(KubernetesRequest.ToJson(current), patch) as System.Text.Json.Nodes.JsonObject
                ?? throw new KubernetesStatusException(KubernetesStatus.BadRequest("the patch must be a JSON object"));
            var account = KubernetesDecoder.Decode<V1ServiceAccount>(merged, Kind, "v1", validation, request.Warnings);
            account.Metadata ??= new V1ObjectMeta();
            if (account.Metadata.Name != request.Route.Name)
            {
                throw new KubernetesStatusException(KubernetesErrors.NameMismatch(account.Metadata.Name ?? "", request.Route.Name));
            }

            CheckNamespace(account.Metadata, request.Route.Namespace);
            return account;
        }), request.Aborted);
        return KubernetesRequest.Reply(200, updated);
    }

    /// <summary>
    /// Replaces the stored account with <paramref name="change"/>'s result: server-owned metadata is kept, a client
    /// resourceVersion must match, and a change that alters nothing leaves the version alone (as kube-apiserver does).
    /// </summary>
    private static async Task<V1ServiceAccount> ReplaceAsync(IDocumentSession session, KubernetesRequest request, Func<V1ServiceAccount, V1ServiceAccount> change)
    {
        var name = request.Route.Name;
        var (current, version) = await KubernetesObjectStore.GetAsync<V1ServiceAccount>(session, Collection, Key(request, name), Resource, name);
        var account = change(current);
        var requested = account.Metadata.ResourceVersion;
        if (!string.IsNullOrEmpty(requested) && requested != KubernetesRequest.Version(version))
        {
            throw new KubernetesStatusException(KubernetesErrors.Modified(Resource, name));
        }

        account.ApiVersion = "v1";
        account.Kind = Kind;
        account.Metadata.NamespaceProperty = request.Route.Namespace;
        account.Metadata.Uid = current.Metadata.Uid;
        account.Metadata.CreationTimestamp = current.Metadata.CreationTimestamp;
        account.Metadata.DeletionTimestamp = current.Metadata.DeletionTimestamp;
        account.Metadata.GenerateName = current.Metadata.GenerateName;
        account.Metadata.ResourceVersion = current.Metadata.ResourceVersion;
        if (k8s.KubernetesJson.Serialize(account) == k8s.KubernetesJson.Serialize(current))
        {
            return current;
        }

        var written = await KubernetesObjectStore.WriteAsync(session, Collection, Key(request, name), account, version);
        account.Metadata.ResourceVersion = KubernetesRequest.Version(written);
        return account;
    }

    private async Task<KubernetesReply> DeleteAsync(KubernetesRequest request)
    {
        var name = request.Route.Name;
        var deleted = await store.TransactAsync(async session =>
        {
            var (account, _) = await KubernetesObjectStore.GetAsync<V1ServiceAccount>(session, Collection, Key(request, name), Resource, name);
            await session.DeleteAsync(Collection, Key(request, name));
            return account;
        }, request.Aborted);
        return KubernetesRequest.Reply(200, deleted);
    }

    private static void Validate(string? name)
    {
        var errors = KubernetesNames.ValidateSubdomain(name);
        if (errors.Count > 0)
        {
            throw new KubernetesStatusException(KubernetesStatus.Invalid("", Kind, name ?? "", errors));
        }
    }

    internal static void CheckNamespace(V1ObjectMeta metadata, string ns)
    {
        if (!string.IsNullOrEmpty(metadata.NamespaceProperty) && metadata.NamespaceProperty != ns)
        {
            throw new KubernetesStatusException(KubernetesErrors.NamespaceMismatch());
        }
    }

    private static string Key(KubernetesRequest request, string name) => KubernetesObjects.ObjectKey(request.ClusterId, request.Route.Namespace, name);
}
