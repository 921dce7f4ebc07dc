using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Webhook.Json;

namespace Irsa.Webhook.Tests.Conformance;

/// <summary>
/// Differential check: runs every upstream <c>pkg/handler/testdata/**/*.pod.yaml</c> case through
/// <see cref="PodMutator"/>, reproducing upstream's <c>TestUpdatePodSpec</c> harness.
/// </summary>
/// <remarks>
/// Comparison: <b>byte-for-byte</b>. Upstream's own test compares the marshalled patch bytes, and
/// every byte of those patches is determined by rules we reproduce (Go field order, omitempty,
/// Go string escaping), so there is no need to fall back to a semantic JSON comparison here.
/// </remarks>
public sealed class UpstreamPodCaseTests
{
    private const string T = "testing.eks.amazonaws.com/";
    private const int ExpectedCaseCount = 24;

    /// <summary>Case names are paths relative to the data folder, in Go <c>filepath.Walk</c> order.</summary>
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        var folder = ConformancePaths.PodIdentityWebhook;
        if (!ConformancePaths.IsPresent)
        {
            return data; // the theory is skipped (UpstreamTheory), its data is never read
        }

        foreach (var file in Walk(folder))
        {
            data.Add(Path.GetRelativePath(folder, file).Replace('\\', '/'));
        }

        return data;
    }

    [UpstreamFact]
    public void Folder_HoldsAllUpstreamCases()
    {
        var folder = ConformancePaths.PodIdentityWebhook;
        Assert.Equal(ExpectedCaseCount, Walk(folder).Count());
    }

    [UpstreamTheory]
    [MemberData(nameof(Cases))]
    public void Patch_MatchesUpstreamBytes(string relativePath)
    {
        var folder = ConformancePaths.PodIdentityWebhook;
        var json = YamlToJson.Convert(File.ReadAllText(Path.Combine(folder, relativePath)))!.AsObject();
        var annotations = json["metadata"]!["annotations"]!.AsObject()
            .ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "");
        string? Ann(string key) => annotations.TryGetValue(T + key, out var v) ? v : null;

        if (GoBool(Ann("skip")) == true)
        {
            return;
        }

        var expected = Ann("expectedPatch");
        Assert.False(string.IsNullOrEmpty(expected), "case has no expectedPatch");

        var pod = PodJson.Decode(JsonDocument.Parse(json.ToJsonString()).RootElement);
        pod.Metadata.NamespaceProperty = "default";
        pod.Spec.ServiceAccountName = "default";

        var containerCredentialsUri = Ann("containercredentials/uri") ?? "";
        var options = new WebhookOptions
        {
            AnnotationPrefix = "eks.amazonaws.com",
            MountPath = Ann("handler/mountPath") ?? "/var/run/secrets/eks.amazonaws.com/serviceaccount",
            Region = Ann("handler/region") ?? "",
            ContainerCredentials = new ContainerCredentialsOptions
            {
                // The harness takes these literally: absent means empty, not the flag default.
                FullUri = containerCredentialsUri,
                Audience = Ann("containercredentials/audience") ?? "",
                MountPath = Ann("containercredentials/mountPath") ?? "",
                VolumeName = Ann("containercredentials/volumeName") ?? "",
                TokenPath = Ann("containercredentials/tokenPath") ?? "",
            },
        };

        var serviceAccount = FakeCacheEntry(Ann);
        AssertMatchesIndex(folder, relativePath, serviceAccount);

        var mutator = new PodMutator(options, new ZeroJitter());
        var result = mutator.Mutate(pod, serviceAccount, isContainerCredentialsIdentity: containerCredentialsUri.Length > 0);

        Assert.True(result.IsMutated);
        Assert.Equal(expected, Encoding.UTF8.GetString(result.Patch!));
    }

    /// <summary>
    /// Upstream's fake cache (<c>pkg/cache/fake.go</c>): note that it has no 600 s floor and that
    /// the harness's "handler" annotations are implemented as SA annotations.
    /// </summary>
    private static ServiceAccountInfo FakeCacheEntry(Func<string, string?> ann)
    {
        var sts = ann("serviceAccount/sts-regional-endpoints") ?? ann("handler/injectSTS");
        var expiration = ann("serviceAccount/token-expiration") ?? ann("handler/expiration");
        return new ServiceAccountInfo(
            ann("serviceAccount/roleArn") ?? "",
            ann("serviceAccount/audience") ?? "sts.amazonaws.com",
            GoBool(sts) ?? false,
            GoInt(expiration) ?? 86400);
    }

    /// <summary>Cross-checks our reading of the harness against the derived index.json.</summary>
    private static void AssertMatchesIndex(string folder, string relativePath, ServiceAccountInfo entry)
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "index.json")))!["cases"]!.AsArray();
        var row = index.Single(c => (string?)c!["file"] == relativePath)!["fakeServiceAccountEffectiveEntry"]!;
        Assert.Equal(new ServiceAccountInfo(
            (string)row["roleArn"]!,
            (string)row["audience"]!,
            (bool)row["useRegionalSTS"]!,
            (long)row["tokenExpiration"]!), entry);
    }

    private static bool? GoBool(string? s) => s switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };

    private static long? GoInt(string? s) => long.TryParse(s, out var v) ? v : null;

    /// <summary>Go <c>filepath.Walk</c> order: lexical by byte, directories entered in place.</summary>
    private static IEnumerable<string> Walk(string dir)
    {
        var entries = Directory.GetFileSystemEntries(dir).Order(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (Directory.Exists(entry))
            {
                foreach (var nested in Walk(entry))
                {
                    yield return nested;
                }
            }
            else if (entry.EndsWith(".yaml", StringComparison.Ordinal) || entry.EndsWith(".yml", StringComparison.Ordinal))
            {
                yield return entry;
            }
        }
    }

    private sealed class ZeroJitter : IJitterSource
    {
        public long Next(long maxInclusive) => 0;
    }
}
