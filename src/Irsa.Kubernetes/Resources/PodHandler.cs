using Irsa.Cluster.Errors;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary><c>/api/v1/[namespaces/{ns}/]pods[/{name}]</c>: create (through <see cref="IPodAdmission"/>), get, list, delete.</summary>
/// <remarks>
/// Creation runs kube-apiserver's order: decode, ServiceAccount admission (default <c>spec.serviceAccountName</c>,
/// the account must exist), mutating admission, then validation and storage. Pods are records only: nothing runs them.
/// </remarks>
internal sealed class PodHandler(IDocumentStore store, TimeProvider time, IPodAdmission admission, PodPresenceCache presence)
{
    private const string Resource = "pods";
    private const string Kind = "Pod";
    private const string Collection = KubernetesObjects.Pods;

    public Task<KubernetesReply> HandleAsync(KubernetesRequest request) => (request.Route.Verb, request.Route.Name.Length > 0) switch
    {
        ("list", false) => ListAsync(request),
        ("create", false) when request.Route.Namespace.Length > 0 => CreateAsync(request),
        ("get", true) => GetAsync(request),
        ("delete", true) => DeleteAsync(request),
        _ => throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed()),
    };

    private async Task<KubernetesReply> ListAsync(KubernetesRequest request)
    {
        var prefix = request.Route.Namespace.Length > 0 ? KubernetesObjects.ObjectKey(request.ClusterId, request.Route.Namespace, "") : request.ClusterId + "/";
        var (items, version) = await KubernetesObjectStore.ListAsync<V1Pod>(store, Collection, prefix, request.Aborted);
        return KubernetesRequest.Reply(200, new V1PodList
        {
            ApiVersion = "v1",
            Kind = "PodList",
            Metadata = new V1ListMeta { ResourceVersion = version },
            Items = items,
        });
    }

    private async Task<KubernetesReply> GetAsync(KubernetesRequest request)
    {
        var (pod, _) = await store.TransactAsync(session => KubernetesObjectStore.GetAsync<V1Pod>(
            session, Collection, Key(request, request.Route.Name), Resource, request.Route.Name), request.Aborted);
        return KubernetesRequest.Reply(200, pod);
    }

    private async Task<KubernetesReply> CreateAsync(KubernetesRequest request)
    {
        var ns = request.Route.Namespace;
        var pod = await request.ReadObjectAsync<V1Pod>(Kind, "v1");
        pod.Metadata ??= new V1ObjectMeta();
        ServiceAccountHandler.CheckNamespace(pod.Metadata, ns);
        KubernetesNames.Generate(pod.Metadata);
        pod.ApiVersion = "v1";
        pod.Kind = Kind;
        KubernetesObjectStore.InitializeMetadata(pod.Metadata, ns, KubernetesRequest.Now(time));
        var name = pod.Metadata.Name ?? "";

        // ServiceAccount admission: default the account and require it to exist.
        pod.Spec ??= new V1PodSpec();
        pod.Spec.ServiceAccountName = string.IsNullOrEmpty(pod.Spec.ServiceAccountName)
            ? string.IsNullOrEmpty(pod.Spec.ServiceAccount) ? "default" : pod.Spec.ServiceAccount
            : pod.Spec.ServiceAccountName;
        pod.Spec.ServiceAccount = pod.Spec.ServiceAccountName;
        var accountName = pod.Spec.ServiceAccountName;
        if (await store.GetAsync(KubernetesObjects.Namespaces, KubernetesObjects.NamespaceKey(request.ClusterId, ns), request.Aborted) is null)
        {
            throw new KubernetesStatusException(KubernetesStatus.NotFound("", "namespaces", ns));
        }

        if (await store.GetAsync(KubernetesObjects.ServiceAccounts, KubernetesObjects.ObjectKey(request.ClusterId, ns, accountName), request.Aborted) is null)
        {
            throw new KubernetesStatusException(KubernetesStatus.Forbidden("", Resource, name,
                $"error looking up service account {ns}/{accountName}: serviceaccount \"{accountName}\" not found"));
        }

        pod = await AdmitAsync(request, pod);
        Validate(pod);
        pod.Status = new V1PodStatus { Phase = "Pending" };

        var version = await store.TransactAsync(async session =>
        {
            await KubernetesObjectStore.EnsureNamespaceAsync(session, request.ClusterId, ns);
            if (await session.GetAsync(Collection, Key(request, name)) is not null)
            {
                throw new KubernetesStatusException(KubernetesErrors.AlreadyExists(Resource, name));
            }

            return await KubernetesObjectStore.WriteAsync(session, Collection, Key(request, name), pod, expectedVersion: 0);
        }, request.Aborted);
        pod.Metadata.ResourceVersion = KubernetesRequest.Version(version);
        presence.Forget(Key(request, name));
        return KubernetesRequest.Reply(201, pod);
    }

    private async Task<V1Pod> AdmitAsync(KubernetesRequest request, V1Pod pod)
    {
        var identity = (pod.Metadata.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Uid, pod.Metadata.CreationTimestamp);
        // A PodAdmissionException refusing the pod reaches the client through the pipeline's error mapping.
        var admitted = await admission.AdmitAsync(request.ClusterId, pod, request.Aborted);

        // Admission may change the pod, never which object it is.
        admitted.ApiVersion = "v1";
        admitted.Kind = Kind;
        admitted.Metadata ??= new V1ObjectMeta();
        (admitted.Metadata.Name, admitted.Metadata.NamespaceProperty, admitted.Metadata.Uid, admitted.Metadata.CreationTimestamp) = identity;
        admitted.Spec ??= new V1PodSpec();
        return admitted;
    }

    private static void Validate(V1Pod pod)
    {
        var errors = KubernetesNames.ValidateSubdomain(pod.Metadata.Name);
        if (pod.Spec.Containers is not { Count: > 0 })
        {
            errors.Add(new FieldError("spec.containers", "Required value", "FieldValueRequired"));
        }

        if (errors.Count > 0)
        {
            throw new KubernetesStatusException(KubernetesStatus.Invalid("", Kind, pod.Metadata.Name ?? "", errors));
        }
    }

    private async Task<KubernetesReply> DeleteAsync(KubernetesRequest request)
    {
        var name = request.Route.Name;
        var deleted = await store.TransactAsync(async session =>
        {
            var (pod, _) = await KubernetesObjectStore.GetAsync<V1Pod>(session, Collection, Key(request, name), Resource, name);
            await session.DeleteAsync(Collection, Key(request, name));
            return pod;
        }, request.Aborted);
        presence.Forget(Key(request, name));
        return KubernetesRequest.Reply(200, deleted);
    }

    private static string Key(KubernetesRequest request, string name) => KubernetesObjects.ObjectKey(request.ClusterId, request.Route.Namespace, name);
}
