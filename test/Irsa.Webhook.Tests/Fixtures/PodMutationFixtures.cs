using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Core.Json;
using Irsa.Webhook.Json;

namespace Irsa.Webhook.Tests.Fixtures;

/// <summary>
/// Irsa's own pod-mutation cases (<c>Fixtures/pod-mutations.json</c>): each names a behaviour of the webhook, the pod,
/// the service-account entry the cache resolves for it, the options that differ from the defaults, and the exact patch.
/// They are the project's record of what the webhook does; the upstream replay (<c>Conformance/</c>) is an extra
/// differential check where upstream's data is available.
/// </summary>
internal static class PodMutationFixtures
{
    public static readonly string File = Path.Combine(AppContext.BaseDirectory, "Fixtures", "pod-mutations.json");

    private static readonly Lazy<JsonArray> All = new(() => JsonNode.Parse(System.IO.File.ReadAllText(File))!["cases"]!.AsArray());

    public static IEnumerable<string> Names => All.Value.Select(c => (string)c!["name"]!);

    public static JsonObject Case(string name) => All.Value.Single(c => (string?)c!["name"] == name)!.AsObject();

    public static ServiceAccountInfo ServiceAccount(JsonObject fixture)
    {
        var entry = fixture["serviceAccount"]!;
        return new ServiceAccountInfo((string)entry["roleArn"]!, (string)entry["audience"]!, (bool)entry["regionalSts"]!, (long)entry["tokenExpiration"]!);
    }

    /// <summary>The webhook options of a case: defaults, a region when given, and the Pod Identity settings when the case is one.</summary>
    public static WebhookOptions Options(JsonObject fixture)
    {
        var podIdentity = fixture["podIdentity"];
        return new WebhookOptions
        {
            Region = (string?)fixture["webhook"]?["region"] ?? "",
            ContainerCredentials = podIdentity is null
                ? new ContainerCredentialsOptions()
                : new ContainerCredentialsOptions
                {
                    FullUri = (string)podIdentity["fullUri"]!,
                    Audience = (string)podIdentity["audience"]!,
                    MountPath = (string)podIdentity["mountPath"]!,
                    VolumeName = (string)podIdentity["volumeName"]!,
                    TokenPath = (string)podIdentity["tokenPath"]!,
                },
        };
    }

    public static bool IsPodIdentity(JsonObject fixture) => fixture["podIdentity"] is not null;

    public static k8s.Models.V1Pod Pod(JsonObject fixture) => PodJson.Decode(JsonDocument.Parse(fixture["pod"]!.ToJsonString()).RootElement);

    /// <summary>The expected patch as the bytes Go's <c>encoding/json</c> writes for it (compact, Go's string escaping).</summary>
    public static byte[] ExpectedPatchBytes(JsonObject fixture)
    {
        var writer = new GoJsonWriter();
        WriteGo(writer, fixture["patch"]);
        return writer.ToArray();
    }

    private static void WriteGo(GoJsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.Null();
                break;
            case JsonObject obj:
                writer.StartObject();
                foreach (var (name, member) in obj)
                {
                    writer.Name(name);
                    WriteGo(writer, member);
                }

                writer.EndObject();
                break;
            case JsonArray array:
                writer.StartArray();
                foreach (var item in array)
                {
                    WriteGo(writer, item);
                }

                writer.EndArray();
                break;
            default:
                var value = node.AsValue();
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        writer.String(value.GetValue<string>());
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        writer.Bool(value.GetValue<bool>());
                        break;
                    default:
                        // Patches hold integers only (ports, lifetimes); a fraction here would be a fixture error.
                        writer.Number(value.GetValue<long>());
                        break;
                }

                break;
        }
    }
}
