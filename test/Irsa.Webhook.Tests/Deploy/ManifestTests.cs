using Irsa.Webhook.Tests.Conformance;
using k8s;
using k8s.Models;

namespace Irsa.Webhook.Tests.Deploy;

/// <summary>
/// Offline checks of <c>deploy/webhook/</c>: every document must deserialise strictly (unknown
/// or misspelt fields fail) into the client library's typed models, and the admission settings
/// the README promises must be present. This complements
/// <c>kubectl apply --dry-run=client</c>, which needs an API server for discovery.
/// </summary>
public sealed class ManifestTests
{
    private static readonly Dictionary<string, Type> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = typeof(V1Namespace),
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/Service"] = typeof(V1Service),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = typeof(V1ClusterRole),
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = typeof(V1ClusterRoleBinding),
        ["admissionregistration.k8s.io/v1/MutatingWebhookConfiguration"] = typeof(V1MutatingWebhookConfiguration),
    };

    private static string DeployFolder => Path.Combine(ConformancePaths.RepositoryRoot, "deploy", "webhook");

    private static List<object> LoadAll() =>
        Directory.GetFiles(DeployFolder, "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f), Kinds, strict: true))
            .ToList();

    [Fact]
    public void AllDocuments_AreKnownKinds_AndStrictlyValid()
    {
        var objects = LoadAll();
        Assert.Equal(8, objects.Count);
        Assert.All(objects, o => Assert.Contains(o.GetType(), Kinds.Values));
    }

    [Fact]
    public void Webhook_HasTheRequiredAdmissionSettings()
    {
        var config = LoadAll().OfType<V1MutatingWebhookConfiguration>().Single();
        var hook = Assert.Single(config.Webhooks);
        Assert.Equal("Ignore", hook.FailurePolicy);
        Assert.Equal("IfNeeded", hook.ReinvocationPolicy);
        Assert.Equal("None", hook.SideEffects);
        Assert.Equal(["v1", "v1beta1"], hook.AdmissionReviewVersions);
        Assert.Equal("/mutate", hook.ClientConfig.Service.Path);
        Assert.Equal("irsa-webhook/irsa-webhook", config.Metadata.Annotations["cert-manager.io/inject-ca-from"]);
        Assert.Contains(hook.ObjectSelector.MatchExpressions, e => e.Key == "eks.amazonaws.com/skip-pod-identity-webhook" && e.OperatorProperty == "DoesNotExist");
        Assert.Contains(hook.ObjectSelector.MatchExpressions, e => e.Key == "app.kubernetes.io/name" && e.OperatorProperty == "NotIn");
        Assert.NotNull(hook.NamespaceSelector);
    }

    [Fact]
    public void ClusterRole_OnlyReadsServiceAccounts()
    {
        var rule = Assert.Single(LoadAll().OfType<V1ClusterRole>().Single().Rules);
        Assert.Equal(["serviceaccounts"], rule.Resources);
        Assert.Equal(["get", "list", "watch"], rule.Verbs);
    }

    [Fact]
    public void Deployment_RunsIrsaWebhookServe_WithTheCertificateSecret()
    {
        var deployment = LoadAll().OfType<V1Deployment>().Single();
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("ghcr.io/irsa-project/irsa:latest", container.Image);
        Assert.Equal(["irsa", "webhook", "serve"], container.Command.Take(3));
        Assert.Contains(container.Command, a => a.StartsWith("--tls-cert-file=", StringComparison.Ordinal));
        Assert.Contains(container.Command, a => a.StartsWith("--tls-key-file=", StringComparison.Ordinal));
        Assert.Contains(container.Command, a => a.StartsWith("--annotation-prefix=", StringComparison.Ordinal));

        var secret = deployment.Spec.Template.Spec.Volumes.Single(v => v.Secret is not null).Secret.SecretName;
        var certificate = File.ReadAllText(Path.Combine(DeployFolder, "cert-manager", "certificate.yaml"));
        Assert.Contains("secretName: " + secret, certificate, StringComparison.Ordinal);
    }
}
