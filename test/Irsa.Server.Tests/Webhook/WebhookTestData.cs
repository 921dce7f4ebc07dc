using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Irsa.Kubernetes;
using Irsa.Storage;
using k8s;
using k8s.Models;

namespace Irsa.Server.Tests.Webhook;

/// <summary>Pods, AdmissionReviews, ServiceAccounts and certificates shared by the webhook tests.</summary>
internal static class WebhookTestData
{
    public const string RoleArn = "arn:aws:iam::111122223333:role/s3-reader";

    public static V1Pod Pod(string serviceAccount = "app", string ns = "default") => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec
        {
            ServiceAccountName = serviceAccount,
            Containers = [new V1Container { Name = "web", Image = "amazonlinux", Env = [new V1EnvVar { Name = "KEEP", Value = "me" }] }],
            Volumes = [new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }],
        },
    };

    public static Dictionary<string, string> RoleAnnotations() => new() { ["eks.amazonaws.com/role-arn"] = RoleArn };

    /// <summary>An AdmissionReview for <paramref name="pod"/> in <c>admission.k8s.io/{version}</c>.</summary>
    public static byte[] Review(V1Pod pod, string version, string uid = "5f3b1c3a-0000-4000-8000-000000000001")
    {
        var review = new JsonObject
        {
            ["kind"] = "AdmissionReview",
            ["apiVersion"] = "admission.k8s.io/" + version,
            ["request"] = new JsonObject
            {
                ["uid"] = uid,
                ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
                ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
                ["namespace"] = pod.Metadata.NamespaceProperty,
                ["operation"] = "CREATE",
                ["object"] = JsonNode.Parse(KubernetesJson.Serialize(pod)),
            },
        };
        return Encoding.UTF8.GetBytes(review.ToJsonString());
    }

    /// <summary>The base64-decoded <c>response.patch</c> of an AdmissionReview response, or null.</summary>
    public static byte[]? Patch(string responseBody) =>
        JsonNode.Parse(responseBody)!["response"]!["patch"] is { } patch ? Convert.FromBase64String(patch.GetValue<string>()) : null;

    public static Task StoreServiceAccountAsync(IDocumentStore store, string clusterId, string ns, string name, Dictionary<string, string>? annotations) =>
        store.TransactAsync(session => KubernetesObjects.WriteAsync(session, KubernetesObjects.ServiceAccounts, KubernetesObjects.ObjectKey(clusterId, ns, name),
            new V1ServiceAccount
            {
                ApiVersion = "v1",
                Kind = "ServiceAccount",
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Annotations = annotations },
            }));

    /// <summary>Writes a fresh self-signed serving certificate for localhost as PEM files; returns its thumbprint.</summary>
    public static string WriteSelfSignedPem(string certificateFile, string keyFile, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // Written whole and then moved over the old files, the way a Secret volume swaps content.
        WriteAtomically(keyFile, key.ExportPkcs8PrivateKeyPem());
        WriteAtomically(certificateFile, certificate.ExportCertificatePem());
        return certificate.Thumbprint;
    }

    /// <summary>Irsa's own webhook cases, kept with the webhook's unit tests.</summary>
    public static string PodMutationFixturesFile() => Path.Combine(RepositoryRoot(), "test", "Irsa.Webhook.Tests", "Fixtures", "pod-mutations.json");

    /// <summary>The folder holding <c>Irsa.slnx</c>, found from the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Irsa.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Irsa.slnx not found above the test binaries.");
    }

    private static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
