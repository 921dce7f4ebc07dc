using Irsa.Cluster.Errors;
using Irsa.Storage;

namespace Irsa.Kubernetes;

/// <summary>The Status objects kube-apiserver returns that the engine's <see cref="KubernetesStatus"/> has no factory for.</summary>
internal static class KubernetesErrors
{
    /// <summary>
    /// The one mapping from a failure to the Status the client receives; null for an unexpected exception (the
    /// pipeline logs it and answers 500).
    /// </summary>
    public static KubernetesStatus? ToStatus(Exception failure) => failure switch
    {
        KubernetesStatusException known => known.Status,
        PodAdmissionException denied => denied.Status,

        // Another writer won between our read and write; the client retries like on any resourceVersion conflict.
        ConcurrencyConflictException conflict => Modified(conflict.Collection.Replace("k8s-", "", StringComparison.Ordinal), ""),
        _ => null,
    };

    /// <summary>The answer to an unexpected failure: no exception text or stack trace, only the audit id to find the log entry.</summary>
    public static KubernetesStatus Unexpected(string auditId) =>
        KubernetesStatus.InternalError($"an unexpected error occurred; the server log has the details (audit ID {auditId})");

    public static KubernetesStatus AlreadyExists(string resource, string name, string group = "") => new(
        409,
        "AlreadyExists",
        $"{(group.Length == 0 ? resource : resource + "." + group)} {GoText.Quote(name)} already exists",
        new KubernetesStatusDetails(Name: name, Group: group.Length == 0 ? null : group, Kind: resource));

    /// <summary>Unknown paths and resources, as kube-apiserver's discovery-aware 404.</summary>
    public static KubernetesStatus PathNotFound() =>
        new(404, "NotFound", "the server could not find the requested resource", new KubernetesStatusDetails());

    public static KubernetesStatus MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new KubernetesStatusDetails());

    public static KubernetesStatus Modified(string resource, string name, string group = "") =>
        KubernetesStatus.Conflict(group, resource, name, "the object has been modified; please apply your changes to the latest version and try again");

    /// <summary>
    /// 415 for a patch type the server does not take, listing the ones it does, as kube-apiserver does. Server-side apply
    /// (<c>application/apply-patch+yaml</c>) is not among them, which kubectl reports as "Server-side apply not available".
    /// </summary>
    public static KubernetesStatus UnsupportedPatch(string contentType) => new(
        415,
        "UnsupportedMediaType",
        $"the body of the request was in an unknown format - accepted media types include: {KubernetesPatch.JsonPatch}, {KubernetesPatch.MergePatch}, {KubernetesPatch.StrategicMergePatch}",
        new KubernetesStatusDetails(Causes: [new KubernetesStatusCause("UnexpectedServerResponse", contentType, null)]));

    public static KubernetesStatus NamespaceMismatch() =>
        KubernetesStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request");

    public static KubernetesStatus NameMismatch(string bodyName, string urlName) =>
        KubernetesStatus.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({urlName})");
}
