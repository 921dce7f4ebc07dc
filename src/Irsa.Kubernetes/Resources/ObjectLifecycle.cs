using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;
using Irsa.Storage;
using k8s;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>What differs between kinds in <see cref="ObjectHandler"/>: name rules, admission, update rules, cascades.</summary>
internal class ObjectLifecycle
{
    public static readonly ObjectLifecycle Default = new();

    /// <summary>The errors of a new object's name (DNS-1123 subdomain unless the kind says otherwise).</summary>
    public virtual List<FieldError> ValidateName(string? name) => KubernetesNames.ValidateSubdomain(name);

    /// <summary>Defaulting, admission and validation of a new object, before it is stored.</summary>
    public virtual Task<JsonObject> AdmitCreateAsync(KubernetesRequest request, ResourceType type, JsonObject value) => Task.FromResult(value);

    /// <summary>Objects created along with <paramref name="value"/>, in the same transaction.</summary>
    public virtual Task AfterCreateAsync(IDocumentSession session, KubernetesRequest request, JsonObject value) => Task.CompletedTask;

    /// <summary>Refuses updates the kind does not allow (422).</summary>
    public virtual void ValidateUpdate(ResourceType type, JsonObject current, JsonObject updated)
    {
    }

    /// <summary>Admission of an update that changes the object (after <see cref="ValidateUpdate"/>), before it is stored.</summary>
    public virtual Task AdmitUpdateAsync(KubernetesRequest request, ResourceType type, JsonObject current, JsonObject updated) => Task.CompletedTask;

    /// <summary>Work in the transaction of every write of the kind (create, update, delete), after the write.</summary>
    public virtual Task ChangedAsync(IDocumentSession session, KubernetesRequest request, ResourceType type) => Task.CompletedTask;

    /// <summary>What a delete answers (the object as it is deleted); throws when it may not be deleted.</summary>
    public virtual JsonObject BeforeDelete(ResourceType type, JsonObject current) => current;

    /// <summary>Objects deleted along with <paramref name="value"/>, in the same transaction.</summary>
    public virtual Task CascadeAsync(IDocumentSession session, KubernetesRequest request, JsonObject value) => Task.CompletedTask;

    /// <summary>After a committed write of object <paramref name="name"/> (empty: a collection).</summary>
    public virtual void Written(KubernetesRequest request, ResourceType type, string name)
    {
    }
}

/// <summary>Namespaces: DNS-1123 label names, a <c>default</c> service account, protected system namespaces, cascading delete.</summary>
internal sealed class NamespaceLifecycle(PodPresenceCache presence, TimeProvider time) : ObjectLifecycle
{
    // kube-apiserver's NamespaceLifecycle admission refuses to delete these.
    private static readonly HashSet<string> Immortal = new(StringComparer.Ordinal) { "default", "kube-system", "kube-public", "kube-node-lease" };

    public override List<FieldError> ValidateName(string? name) => KubernetesNames.ValidateLabel(name);

    public override Task<JsonObject> AdmitCreateAsync(KubernetesRequest request, ResourceType type, JsonObject value)
    {
        var metadata = KubernetesObjectStore.Metadata(value);
        var labels = metadata["labels"] as JsonObject ?? [];
        labels["kubernetes.io/metadata.name"] = metadata["name"]!.GetValue<string>();
        metadata["labels"] = labels;
        value["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
        value["status"] = new JsonObject { ["phase"] = "Active" };
        return Task.FromResult(value);
    }

    // The service-account controller gives every namespace a "default" account; here it comes with the namespace.
    public override async Task AfterCreateAsync(IDocumentSession session, KubernetesRequest request, JsonObject value)
    {
        var name = value["metadata"]!["name"]!.GetValue<string>();
        var account = KubernetesObjects.NewServiceAccount(name, "default", KubernetesRequest.Now(time));
        await KubernetesObjectStore.PutAsync(session, request.ClusterId, ResourceTable.ServiceAccounts,
            KubernetesObjects.ObjectKey(request.ClusterId, name, "default"), account, expectedVersion: 0);
    }

    public override JsonObject BeforeDelete(ResourceType type, JsonObject current)
    {
        var name = current["metadata"]!["name"]!.GetValue<string>();
        if (Immortal.Contains(name))
        {
            throw new KubernetesStatusException(KubernetesStatus.Forbidden("", "namespaces", name, "this namespace may not be deleted"));
        }

        var answer = (JsonObject)current.DeepClone();
        answer["metadata"]!["deletionTimestamp"] = KubernetesRequest.ToJson(new V1ObjectMeta { CreationTimestamp = KubernetesRequest.Now(time) })["creationTimestamp"]!.DeepClone();
        answer["status"] = new JsonObject { ["phase"] = "Terminating" };
        return answer;
    }

    public override async Task CascadeAsync(IDocumentSession session, KubernetesRequest request, JsonObject value)
    {
        var name = value["metadata"]!["name"]!.GetValue<string>();
        foreach (var type in ResourceTable.Stored.Where(r => r.Namespaced))
        {
            foreach (var document in await session.ListAsync(type.Collection, KubernetesObjects.ObjectKey(request.ClusterId, name, "")))
            {
                await KubernetesObjectStore.DeleteAsync(session, request.ClusterId, type, document.Key, KubernetesObjectStore.ReadJson(document));
            }
        }
    }

    public override void Written(KubernetesRequest request, ResourceType type, string name) =>
        presence.Forget(KubernetesObjects.ObjectKey(request.ClusterId, name, ""));
}

/// <summary>
/// Pods, created in kube-apiserver's order: decode, ServiceAccount admission (default <c>spec.serviceAccountName</c>,
/// the account must exist), mutating admission (<see cref="IPodAdmission"/>), validation, storage. Pods are records:
/// nothing schedules or runs them. Their spec is immutable apart from container images, as in Kubernetes.
/// </summary>
internal sealed class PodLifecycle(IDocumentStore store, IPodAdmission admission, PodPresenceCache presence) : ObjectLifecycle
{
    private const string ImmutableSpec =
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    public override async Task<JsonObject> AdmitCreateAsync(KubernetesRequest request, ResourceType type, JsonObject value)
    {
        var pod = KubernetesJson.Deserialize<V1Pod>(value.ToJsonString());
        var ns = request.Route.Namespace;
        var name = pod.Metadata.Name ?? "";
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
            throw new KubernetesStatusException(KubernetesStatus.Forbidden("", "pods", name,
                $"error looking up service account {ns}/{accountName}: serviceaccount \"{accountName}\" not found"));
        }

        var identity = (pod.Metadata.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Uid, pod.Metadata.CreationTimestamp);
        // A PodAdmissionException refusing the pod reaches the client through the pipeline's error mapping.
        var admitted = await admission.AdmitAsync(request.ClusterId, pod, request.Aborted);

        // Admission may change the pod, never which object it is.
        admitted.ApiVersion = "v1";
        admitted.Kind = "Pod";
        admitted.Metadata ??= new V1ObjectMeta();
        (admitted.Metadata.Name, admitted.Metadata.NamespaceProperty, admitted.Metadata.Uid, admitted.Metadata.CreationTimestamp) = identity;
        admitted.Spec ??= new V1PodSpec();
        var errors = KubernetesNames.ValidateSubdomain(admitted.Metadata.Name);
        if (admitted.Spec.Containers is not { Count: > 0 })
        {
            errors.Add(new FieldError("spec.containers", "Required value", "FieldValueRequired"));
        }

        if (errors.Count > 0)
        {
            throw new KubernetesStatusException(KubernetesStatus.Invalid("", "Pod", admitted.Metadata.Name ?? "", errors));
        }

        admitted.Status = new V1PodStatus { Phase = "Pending", QosClass = "BestEffort" };
        return KubernetesRequest.ToJson(admitted);
    }

    public override void ValidateUpdate(ResourceType type, JsonObject current, JsonObject updated)
    {
        // The pod's status belongs to its status subresource; updates of the pod keep the stored one.
        updated["status"] = current["status"]?.DeepClone();
        if (!JsonNode.DeepEquals(WithoutImages(current["spec"]), WithoutImages(updated["spec"])))
        {
            var name = current["metadata"]!["name"]!.GetValue<string>();
            throw new KubernetesStatusException(KubernetesStatus.Invalid("", "Pod", name, [new FieldError("spec", "Forbidden: " + ImmutableSpec, "FieldValueForbidden")]));
        }
    }

    public override void Written(KubernetesRequest request, ResourceType type, string name) =>
        presence.Forget(KubernetesObjects.ObjectKey(request.ClusterId, request.Route.Namespace, name));

    private static JsonNode? WithoutImages(JsonNode? spec)
    {
        var copy = spec?.DeepClone();
        foreach (var list in new[] { "containers", "initContainers" })
        {
            if (copy?[list] is JsonArray containers)
            {
                foreach (var container in containers.OfType<JsonObject>())
                {
                    container.Remove("image");
                }
            }
        }

        return copy;
    }
}

/// <summary>
/// RBAC objects: names are path segments (<c>system:discovery</c> is valid), a binding's roleRef is immutable, writes
/// cannot grant what the writer does not hold (<see cref="RbacEscalation"/>), and every ClusterRole write re-aggregates
/// the aggregated ClusterRoles (<see cref="ClusterRoleAggregation"/>).
/// </summary>
internal sealed class RbacLifecycle(RbacEscalation escalation) : ObjectLifecycle
{
    private static readonly string[] NotInPathSegment = ["/", "%"];

    public override async Task<JsonObject> AdmitCreateAsync(KubernetesRequest request, ResourceType type, JsonObject value)
    {
        ValidateBinding(type, value);
        await escalation.CheckAsync(request, type, value);
        return value;
    }

    public override Task AdmitUpdateAsync(KubernetesRequest request, ResourceType type, JsonObject current, JsonObject updated) =>
        escalation.CheckAsync(request, type, updated);

    public override async Task ChangedAsync(IDocumentSession session, KubernetesRequest request, ResourceType type)
    {
        if (type == ResourceTable.ClusterRoles)
        {
            await ClusterRoleAggregation.AggregateAsync(session, request.ClusterId);
        }
    }

    public override List<FieldError> ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return [FieldError.NameRequired()];
        }

        return [.. PathSegmentErrors(name).Select(message => FieldError.Invalid("metadata.name", name, message))];
    }

    /// <summary>Why <paramref name="name"/> cannot be a path segment (ValidateRBACName, for objects and role references).</summary>
    public static IEnumerable<string> PathSegmentErrors(string name)
    {
        if (name is "." or "..")
        {
            return [$"may not be '{name}'"];
        }

        return NotInPathSegment.Where(part => name.Contains(part, StringComparison.Ordinal)).Select(part => $"may not contain '{part}'");
    }

    public override void ValidateUpdate(ResourceType type, JsonObject current, JsonObject updated)
    {
        ValidateBinding(type, updated);
        if (current.ContainsKey("roleRef") && !JsonNode.DeepEquals(current["roleRef"], updated["roleRef"]))
        {
            var name = current["metadata"]!["name"]!.GetValue<string>();
            var roleRef = updated["roleRef"] as JsonObject;
            var shown = $"rbac.RoleRef{{APIGroup:\"{roleRef?["apiGroup"]}\", Kind:\"{roleRef?["kind"]}\", Name:\"{roleRef?["name"]}\"}}";
            throw new KubernetesStatusException(KubernetesStatus.Invalid(ResourceTable.RbacGroup, type.Kind, name,
                [new FieldError("roleRef", $"Invalid value: {shown}: cannot change roleRef", "FieldValueInvalid")]));
        }
    }

    private static void ValidateBinding(ResourceType type, JsonObject value)
    {
        if (type == ResourceTable.RoleBindings || type == ResourceTable.ClusterRoleBindings)
        {
            var errors = BindingValidation.DefaultAndValidate(type, value);
            if (errors.Count > 0)
            {
                var name = KubernetesObjectStore.Text(value["metadata"] as JsonObject, "name");
                throw new KubernetesStatusException(KubernetesStatus.Invalid(ResourceTable.RbacGroup, type.Kind, name, errors));
            }
        }
    }
}
