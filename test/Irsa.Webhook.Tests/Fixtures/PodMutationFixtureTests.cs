using System.Text;

namespace Irsa.Webhook.Tests.Fixtures;

/// <summary>Every case of <c>Fixtures/pod-mutations.json</c> through <see cref="PodMutator"/>, compared byte for byte.</summary>
public sealed class PodMutationFixtureTests
{
    public static TheoryData<string> Cases() => [.. PodMutationFixtures.Names];

    [Fact]
    public void Fixtures_CoverBothModes_AndHaveUniqueNames()
    {
        var names = PodMutationFixtures.Names.ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(names, n => PodMutationFixtures.IsPodIdentity(PodMutationFixtures.Case(n)));
        Assert.Contains(names, n => !PodMutationFixtures.IsPodIdentity(PodMutationFixtures.Case(n)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Patch_IsExactlyTheFixturePatch(string name)
    {
        var fixture = PodMutationFixtures.Case(name);
        var mutator = new PodMutator(PodMutationFixtures.Options(fixture), new TestPods.FixedJitter(0));

        var result = mutator.Mutate(PodMutationFixtures.Pod(fixture), PodMutationFixtures.ServiceAccount(fixture), PodMutationFixtures.IsPodIdentity(fixture));

        Assert.True(result.IsMutated);
        Assert.Equal(Encoding.UTF8.GetString(PodMutationFixtures.ExpectedPatchBytes(fixture)), Encoding.UTF8.GetString(result.Patch!));
    }
}
