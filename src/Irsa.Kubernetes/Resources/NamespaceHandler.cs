using Irsa.Cluster.Errors;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary><c>/api/v1/namespaces[/{name}]</c>: create, get, list, delete (which removes everything in the namespace).</summary>
internal sealed class NamespaceHandler(IDocumentStore store, TimeProvider time, PodPresenceCache presence)
{
    private const string Resource = "namespaces";
    private const string Kind = "Namespace";
    private const string Collection = KubernetesObjects.Namespaces;

    // kube-apiserver's NamespaceLifecycle admission refuses to delete these.
    private static readonly HashSet<string> Immortal = new(StringComparer.Ordinal) { "default", "kube-system", "kube-public" };

    public Task<KubernetesReply> HandleAsync(KubernetesRequest request) => (request.Route.Verb, request.Route.Name.Length > 0) switch
    {
        ("list", false) => ListAsync(request),
        ("create", false) => CreateAsync(request),
        ("get", true) => GetAsync(request),
        ("delete", true) => DeleteAsync(request),
        _ => throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed()),
    };

    private async Task<KubernetesReply> ListAsync(KubernetesRequest request)
    {
        var (items, version) = await KubernetesObjectStore.ListAsync<V1Namespace>(store, Collection, request.ClusterId + "/", request.Aborted);
        return KubernetesRequest.Reply(200, new V1NamespaceList
        {
            ApiVersion = "v1",
            Kind = "NamespaceList",
            Metadata = new V1ListMeta { ResourceVersion = version },
            Items = items,
        });
    }

    private async Task<KubernetesReply> GetAsync(KubernetesRequest request)
    {
        var (ns, _) = await store.TransactAsync(session => KubernetesObjectStore.GetAsync<V1Namespace>(
            session, Collection, KubernetesObjects.NamespaceKey(request.ClusterId, request.Route.Name), Resource, request.Route.Name), request.Aborted);
        return KubernetesRequest.Reply(200, ns);
    }

    private async Task<KubernetesReply> CreateAsync(KubernetesRequest request)
    {
        var ns = await request.ReadObjectAsync<V1Namespace>(Kind, "v1");
        ns.Metadata ??= new V1ObjectMeta();
        KubernetesNames.Generate(ns.Metadata);
        var name = ns.Metadata.Name ?? "";
        var errors = KubernetesNames.ValidateLabel(name);
        if (errors.Count > 0)
        {
            throw new KubernetesStatusException(KubernetesStatus.Invalid("", Kind, name, errors));
        }

        var now = KubernetesRequest.Now(time);
        ns.ApiVersion = "v1";
        ns.Kind = Kind;
        KubernetesObjectStore.InitializeMetadata(ns.Metadata, null, now);
        ns.Status = new V1NamespaceStatus { Phase = "Active" };

        // The service-account controller gives every namespace a "default" account; here it comes with the namespace.
        var account = KubernetesObjects.NewServiceAccount(name, "default", now);

        var version = await store.TransactAsync(async session =>
        {
            if (await session.GetAsync(Collection, KubernetesObjects.NamespaceKey(request.ClusterId, name)) is not null)
            {
                throw new KubernetesStatusException(KubernetesErrors.AlreadyExists(Resource, name));
            }

            var written = await KubernetesObjectStore.WriteAsync(session, Collection, KubernetesObjects.NamespaceKey(request.ClusterId, name), ns, expectedVersion: 0);
            await KubernetesObjectStore.WriteAsync(session, KubernetesObjects.ServiceAccounts, KubernetesObjects.ObjectKey(request.ClusterId, name, "default"),
                account, expectedVersion: 0);
            return written;
        }, request.Aborted);
        ns.Metadata.ResourceVersion = KubernetesRequest.Version(version);
        return KubernetesRequest.Reply(201, ns);
    }

    private async Task<KubernetesReply> DeleteAsync(KubernetesRequest request)
    {
        var name = request.Route.Name;
        if (Immortal.Contains(name))
        {
            throw new KubernetesStatusException(KubernetesStatus.Forbidden("", Resource, name, "this namespace may not be deleted"));
        }

        var deleted = await store.TransactAsync(async session =>
        {
            var key = KubernetesObjects.NamespaceKey(request.ClusterId, name);
            var (ns, _) = await KubernetesObjectStore.GetAsync<V1Namespace>(session, Collection, key, Resource, name);
            foreach (var collection in new[] { KubernetesObjects.ServiceAccounts, KubernetesObjects.Pods })
            {
                foreach (var document in await session.ListAsync(collection, KubernetesObjects.ObjectKey(request.ClusterId, name, "")))
                {
                    await session.DeleteAsync(collection, document.Key);
                }
            }

            await session.DeleteAsync(Collection, key);
            return ns;
        }, request.Aborted);
        presence.Forget(KubernetesObjects.ObjectKey(request.ClusterId, name, ""));

        // Deletion is immediate here; the answer still reads like kube-apiserver's (a namespace going away).
        deleted.Metadata.DeletionTimestamp = KubernetesRequest.Now(time);
        deleted.Status = new V1NamespaceStatus { Phase = "Terminating" };
        return KubernetesRequest.Reply(200, deleted);
    }
}
