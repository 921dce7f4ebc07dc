using Irsa.Cluster.Errors;

namespace Irsa.Server.Cluster.Kubernetes;

/// <summary>The Status objects kube-apiserver returns that the engine's <see cref="KubernetesStatus"/> has no factory for.</summary>
internal static class KubernetesErrors
{
    public static KubernetesStatus AlreadyExists(string resource, string name) =>
        new(409, "AlreadyExists", $"{resource} {GoText.Quote(name)} already exists", new KubernetesStatusDetails(Name: name, Kind: resource));

    /// <summary>Unknown paths and resources, as kube-apiserver's discovery-aware 404.</summary>
    public static KubernetesStatus PathNotFound() =>
        new(404, "NotFound", "the server could not find the requested resource", new KubernetesStatusDetails());

    public static KubernetesStatus MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new KubernetesStatusDetails());

    public static KubernetesStatus Modified(string resource, string name) =>
        KubernetesStatus.Conflict("", resource, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static KubernetesStatus UnsupportedPatch(string contentType) => new(
        415,
        "UnsupportedMediaType",
        $"the body of the request was in an unknown format - accepted media types include: {KubernetesPatch.MergePatch}, {KubernetesPatch.StrategicMergePatch}",
        new KubernetesStatusDetails(Causes: [new KubernetesStatusCause("UnexpectedServerResponse", contentType, null)]));

    public static KubernetesStatus NamespaceMismatch() =>
        KubernetesStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request");

    public static KubernetesStatus NameMismatch(string bodyName, string urlName) =>
        KubernetesStatus.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({urlName})");
}
