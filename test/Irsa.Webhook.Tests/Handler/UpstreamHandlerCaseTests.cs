using System.Text;
using System.Text.Json.Nodes;
using Irsa.Webhook.Tests.Conformance;

namespace Irsa.Webhook.Tests.Handler;

/// <summary>
/// Differential check: the HTTP-level cases transcribed from upstream's <c>handler_test.go</c>
/// (<c>handler/handler-http-cases.json</c>), run through <see cref="AdmissionHandler"/>.
/// </summary>
/// <remarks>
/// Comparison: <b>byte-for-byte</b> on the response body (as upstream's test does), plus the
/// status code the transcription records.
/// </remarks>
public sealed class UpstreamHandlerCaseTests
{
    private static JsonObject LoadCases() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(ConformancePaths.PodIdentityWebhook, "handler", "handler-http-cases.json")))!.AsObject();

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        var file = Path.Combine(ConformancePaths.PodIdentityWebhook, "handler", "handler-http-cases.json");
        if (!ConformancePaths.IsPresent)
        {
            return data; // the theory is skipped (UpstreamTheory), its data is never read
        }

        foreach (var c in JsonNode.Parse(File.ReadAllText(file))!["cases"]!.AsArray())
        {
            data.Add((string)c!["name"]!);
        }

        return data;
    }

    [UpstreamFact]
    public void File_HoldsTheSevenTranscribedCases() => Assert.Equal(7, LoadCases()["cases"]!.AsArray().Count);

    [UpstreamTheory]
    [MemberData(nameof(CaseNames))]
    public async Task Response_MatchesUpstreamBytes(string name)
    {
        var root = LoadCases();
        var c = root["cases"]!.AsArray().Single(x => (string?)x!["name"] == name)!;
        var handler = CreateHandler(root, seedServiceAccount: true);
        var body = (string?)c["requestBody"] is { } text ? Encoding.UTF8.GetBytes(text) : [];

        var response = await handler.HandleAsync((string)c["requestContentType"]!, body);

        Assert.Equal((int)c["expectedStatus"]!, response.StatusCode);
        Assert.Equal((string)c["expectedBody"]!, Encoding.UTF8.GetString(response.Body));
        Assert.Equal("text/plain; charset=utf-8", response.ContentType);
    }

    [UpstreamFact]
    public async Task ValidRequest_DecodedPatchMatchesUpstream()
    {
        var root = LoadCases();
        var c = root["cases"]!.AsArray().Single(x => (string?)x!["name"] == "ValidRequestSuccessWithoutVolumes")!;
        var response = await CreateHandler(root, seedServiceAccount: true)
            .HandleAsync("application/json", Encoding.UTF8.GetBytes((string)c["requestBody"]!));

        var patch = JsonNode.Parse(response.Body)!["response"]!["patch"]!.GetValue<string>();
        Assert.Equal((string)root["decodedPatchOfValidCases"]!, Encoding.UTF8.GetString(Convert.FromBase64String(patch)));
    }

    [UpstreamFact]
    public async Task MutationNotNeeded_EmptyCache_AllowsWithoutPatch()
    {
        var root = LoadCases();
        var c = root["cases"]!.AsArray().Single(x => (string?)x!["name"] == "ValidRequestSuccessWithoutVolumes")!;
        var response = await CreateHandler(root, seedServiceAccount: false)
            .HandleAsync("application/json", Encoding.UTF8.GetBytes((string)c["requestBody"]!));

        Assert.Equal(
            "{\"response\":{\"uid\":\"918ef1dc-928f-4525-99ef-988389f263c3\",\"allowed\":true}}",
            Encoding.UTF8.GetString(response.Body));
    }

    private static AdmissionHandler CreateHandler(JsonObject root, bool seedServiceAccount)
    {
        var options = new WebhookOptions
        {
            Region = (string)root["region"]!,
            MountPath = (string)root["mountPath"]!,
        };
        var store = new InMemoryServiceAccountStore(new ServiceAccountAnnotationParser(options));
        if (seedServiceAccount)
        {
            var sa = root["fakeServiceAccount"]!;
            store.SetAnnotations(
                (string)sa["namespace"]!,
                (string)sa["name"]!,
                sa["annotations"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!));
        }

        return new AdmissionHandler(new PodMutator(options), store, ContainerCredentialsIdentitySet.Empty);
    }
}
