using System.Text;
using System.Text.Json.Nodes;

namespace Irsa.Webhook.Tests.Fixtures;

/// <summary>
/// The whole AdmissionReview response for a fixture pod, byte for byte: the request uid is echoed, the patch is the
/// fixture's (base64), TypeMeta is echoed only when the request had it, and a pod whose service account the cache does
/// not know is allowed without a patch.
/// </summary>
public sealed class AdmissionResponseFixtureTests
{
    private const string Uid = "7d1e0c2b-3f4a-4b5c-8d6e-9f0a1b2c3d4e";
    private const string Fixture = "minimal-pod";

    [Theory]
    [InlineData("")]
    [InlineData("\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",")]
    [InlineData("\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1beta1\",")]
    public async Task KnownServiceAccount_PatchIsTheFixturePatch(string typeMeta)
    {
        var fixture = PodMutationFixtures.Case(Fixture);
        var store = new InMemoryServiceAccountStore();
        store.Set("default", (string)fixture["pod"]!["spec"]!["serviceAccountName"]!, PodMutationFixtures.ServiceAccount(fixture));

        var response = await Handle(store, fixture, typeMeta);

        var patch = Convert.ToBase64String(PodMutationFixtures.ExpectedPatchBytes(fixture));
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("{" + typeMeta + "\"response\":{\"uid\":\"" + Uid + "\",\"allowed\":true,\"patch\":\"" + patch + "\",\"patchType\":\"JSONPatch\"}}",
            Encoding.UTF8.GetString(response.Body));
    }

    [Fact]
    public async Task UnknownServiceAccount_IsAllowedWithoutPatch()
    {
        var response = await Handle(new InMemoryServiceAccountStore(), PodMutationFixtures.Case(Fixture), typeMeta: "");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("{\"response\":{\"uid\":\"" + Uid + "\",\"allowed\":true}}", Encoding.UTF8.GetString(response.Body));
    }

    private static Task<AdmissionHttpResponse> Handle(InMemoryServiceAccountStore store, JsonObject fixture, string typeMeta)
    {
        var handler = new AdmissionHandler(new PodMutator(PodMutationFixtures.Options(fixture), new TestPods.FixedJitter(0)), store);
        return handler.HandleAsync("application/json", TestPods.Review(fixture["pod"]!.ToJsonString(), uid: Uid, typeMeta: typeMeta));
    }
}
