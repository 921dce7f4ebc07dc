using Irsa.Cluster.TokenRequests;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary><c>POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token</c>: TokenRequest through the engine's processor.</summary>
internal sealed class TokenRequestHandler(IDocumentStore store, TimeProvider time)
{
    public async Task<KubernetesReply> HandleAsync(KubernetesRequest request)
    {
        if (request.Route.Verb != "create")
        {
            throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed());
        }

        var ns = request.Route.Namespace;
        var body = await request.ReadObjectAsync<Authenticationv1TokenRequest>("TokenRequest", "authentication.k8s.io/v1");
        var account = await ReadAsync<V1ServiceAccount>(KubernetesObjects.ServiceAccounts, ns, request.Route.Name, request);
        var reference = body.Spec?.BoundObjectRef;
        var pod = TokenRequestProcessor.GetBoundObjectKind(reference) == BoundObjectKind.Pod && !string.IsNullOrEmpty(reference!.Name)
            ? await ReadAsync<V1Pod>(KubernetesObjects.Pods, ns, reference.Name, request)
            : null;

        // Irsa clusters have no Secret or Node objects: such bindings resolve to "not found".
        var processor = new TokenRequestProcessor(request.Cluster.IssuerOptions, request.Cluster.TokenIssuer, time);
        var outcome = processor.Process(new TokenRequestInput
        {
            Namespace = ns,
            ServiceAccountName = request.Route.Name,
            Request = body,
            ServiceAccount = account,
            Pod = pod,
        }, request.Cluster.SigningKey());

        request.Warnings.AddRange(outcome.Warnings);
        if (outcome.Failure is { } failure)
        {
            throw new KubernetesStatusException(failure);
        }

        await request.Cluster.RecordSignedAsync(outcome.Token!.KeyId, outcome.Token.ExpiresAt, request.Aborted);
        request.AuditAnnotations[KubernetesAuditEvents.IssuedCredentialIdAnnotation] = KubernetesAuditEvents.CredentialId(outcome.Token.TokenId);
        return new KubernetesReply(201, TokenRequestJson.Serialize(outcome.Response!));
    }

    private async Task<T?> ReadAsync<T>(string collection, string ns, string name, KubernetesRequest request)
        where T : IMetadata<V1ObjectMeta>
    {
        var document = await store.GetAsync(collection, KubernetesObjects.ObjectKey(request.ClusterId, ns, name), request.Aborted);
        return document is null ? default : KubernetesObjectStore.Read<T>(document);
    }
}
