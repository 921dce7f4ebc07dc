using System.Text.Json.Nodes;
using Irsa.Kubernetes;
using Irsa.Storage;
using Irsa.Webhook;
using k8s;
using k8s.Models;

namespace Irsa.Server.Webhook;

/// <summary>
/// Admission for pods created through an Irsa cluster's Kubernetes API: the same decision code as
/// the standalone webhook, run in-process. The pod's ServiceAccount is read from the cluster's
/// document store, the webhook's JSON Patch is applied here (there is no API server to do it), and
/// the mutated pod is returned.
/// </summary>
public sealed class WebhookPodAdmission : IPodAdmission
{
    /// <summary>What the API server's ServiceAccount admission plugin assigns before webhooks run.</summary>
    private const string DefaultServiceAccount = "default";

    private readonly IDocumentStore _store;
    private readonly PodMutator _mutator;
    private readonly ServiceAccountAnnotationParser _parser;
    private readonly WebhookMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly IPodIdentityAssociationLookup? _associations;

    /// <summary>Creates the admission with the in-server webhook settings (see <see cref="InServerOptions"/>); with
    /// <paramref name="associations"/>, the pods of associated ServiceAccounts get the EKS Pod Identity mutation.</summary>
    public WebhookPodAdmission(IDocumentStore store, WebhookOptions options, WebhookMetrics metrics, TimeProvider time,
        IPodIdentityAssociationLookup? associations = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _mutator = new PodMutator(options);
        _parser = new ServiceAccountAnnotationParser(options);
        _metrics = metrics;
        _time = time;
        _associations = associations;
    }

    /// <summary>
    /// The in-server webhook settings: upstream's prefix, audience and default lifetime, the
    /// server's region injected as <c>AWS_REGION</c>/<c>AWS_DEFAULT_REGION</c>, and no grace
    /// period (the store is read directly, so a missing account is really missing). A ServiceAccount with both a role and
    /// a pod identity association gets both mutations, and the pod's SDK chooses.
    /// </summary>
    public static WebhookOptions InServerOptions(string region) => new()
    {
        WebIdentityBesideContainerCredentials = true,
        AnnotationPrefix = "eks.amazonaws.com",
        DefaultAudience = "sts.amazonaws.com",
        DefaultTokenExpiration = WebhookOptions.DefaultTokenExpirationSeconds,
        Region = region,
    };

    /// <summary>Returns <paramref name="pod"/> unchanged, or a mutated copy when its ServiceAccount has a role or an association.</summary>
    public async Task<V1Pod> AdmitAsync(string clusterId, V1Pod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        ArgumentNullException.ThrowIfNull(pod);
        var ns = pod.Metadata?.NamespaceProperty is { Length: > 0 } n ? n : "default";
        var name = EffectiveName(pod.Spec?.ServiceAccountName);

        var document = await _store.GetAsync(KubernetesObjects.ServiceAccounts, KubernetesObjects.ObjectKey(clusterId, ns, name), cancellationToken)
            .ConfigureAwait(false);
        var account = KubernetesObjects.Read<V1ServiceAccount>(document);
        var info = account is null ? null : _parser.Parse(account.Metadata?.Annotations);
        if (info is not null)
        {
            _metrics.MarkUsed();
        }

        // The lookup is per call: the store is async, IServiceAccountLookup.Find is not, so the
        // one account this pod needs is read first and handed over already resolved. AdmitAsync
        // reports decisions only, so the verb of the metrics view does not matter.
        var enrolled = _associations is not null && await _associations.HasAssociationAsync(clusterId, ns, name, cancellationToken).ConfigureAwait(false);
        var identities = enrolled ? new ContainerCredentialsIdentitySet([(ns, pod.Spec?.ServiceAccountName ?? "")]) : ContainerCredentialsIdentitySet.Empty;
        var handler = new AdmissionHandler(_mutator, new ResolvedServiceAccount(ns, name, info), identities, _metrics.ForVerb("POST"), _time);
        var decision = await handler.AdmitAsync(pod, ns, cancellationToken).ConfigureAwait(false);
        if (decision.Mutation.Patch is not { } patch)
        {
            return pod;
        }

        var mutated = JsonPatch.Apply(JsonNode.Parse(KubernetesJson.Serialize(pod)), patch)
            ?? throw new InvalidOperationException("The webhook patch removed the pod.");
        return KubernetesJson.Deserialize<V1Pod>(mutated.ToJsonString());
    }

    private static string EffectiveName(string? serviceAccountName) =>
        string.IsNullOrEmpty(serviceAccountName) ? DefaultServiceAccount : serviceAccountName;

    /// <summary>An <see cref="IServiceAccountLookup"/> that knows one account (or knows it is missing).</summary>
    private sealed class ResolvedServiceAccount(string ns, string name, ServiceAccountInfo? info) : IServiceAccountLookup
    {
        public ServiceAccountInfo? Find(string @namespace, string serviceAccount) =>
            @namespace == ns && EffectiveName(serviceAccount) == name ? info : null;

        // Never reached: the in-server options have no grace period.
        public Task<ServiceAccountInfo?> WaitForAsync(string @namespace, string serviceAccount, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(Find(@namespace, serviceAccount));
    }
}
