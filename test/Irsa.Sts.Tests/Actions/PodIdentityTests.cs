using Irsa.Sts.Sessions;
using Irsa.Sts.Tests.Support;

namespace Irsa.Sts.Tests.Actions;

public sealed class PodIdentityTests
{
    private const string A = StsTestBed.Account;
    private const string B = "444455556666";
    private const string ClusterArn = "arn:aws:eks:us-west-2:111122223333:cluster/my-cluster";
    private const string Service = """{"Service":"pods.eks.amazonaws.com"}""";

    private static readonly KubernetesSession Pod = new("default", "app", "sa-uid", "app-7d9f", "2b1e3a9c-0d1f-4c5e-9a7b-6f2d8e4c1a30", ClusterName: "my-cluster");

    private static readonly Dictionary<string, string> SixTags = new()
    {
        ["eks-cluster-arn"] = ClusterArn,
        ["eks-cluster-name"] = "my-cluster",
        ["kubernetes-namespace"] = "default",
        ["kubernetes-service-account"] = "app",
        ["kubernetes-pod-name"] = "app-7d9f",
        ["kubernetes-pod-uid"] = "2b1e3a9c-0d1f-4c5e-9a7b-6f2d8e4c1a30",
    };

    private static PodIdentityAssumption Request(string roleArn, string? target = null, IReadOnlyDictionary<string, string>? tags = null,
        string? policy = null, string? externalId = null) =>
        new(roleArn, target, externalId, "eks-my-cluster-app-7d9f-0b6c", tags ?? SixTags, policy, Pod, ClusterArn);

    [Fact]
    public async Task ServicePrincipal_GetsSixHourTaggedSession_AttributedToThePod()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(A, "pod", AssumeRoleTests.Trust(Service, "\"sts:AssumeRole\",\"sts:TagSession\""));

        var outcome = await bed.Api.AssumeRoleForPodIdentityAsync(Request(role.Arn), "req");

        var session = Assert.Single(outcome.Hops);
        Assert.Same(session, outcome.Credentials.Session);
        Assert.Equal(bed.Time.GetUtcNow().AddHours(6), session.Expiration);
        Assert.Equal(SixTags.Keys.Order(), session.TransitiveTagKeys.Order());
        Assert.Equal("app-7d9f", session.Pod!.PodName);
        Assert.Equal(ClusterArn, session.Pod.Issuer);
        Assert.Null(session.WebIdentity);

        var (_, tagPercent) = SessionPacking.Measure(null, [], SixTags);
        Assert.InRange(tagPercent, 65, 85);
    }

    [Fact]
    public async Task WithoutTagSessionInTheTrust_TaggedRequestIsDenied_UntaggedIsNot()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(A, "pod", AssumeRoleTests.Trust(Service));

        var denied = await Assert.ThrowsAsync<StsFailureException>(() => bed.Api.AssumeRoleForPodIdentityAsync(Request(role.Arn), "req"));
        Assert.Equal("AccessDenied", denied.Error.Code);
        Assert.Contains("sts:TagSession", denied.Error.Message, StringComparison.Ordinal);
        Assert.NotNull(denied.Explanation);

        var untagged = await bed.Api.AssumeRoleForPodIdentityAsync(Request(role.Arn, tags: new Dictionary<string, string>()), "req");
        Assert.Empty(untagged.Credentials.Session.Tags);
    }

    [Fact]
    public async Task TrustForAnotherService_IsDenied()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(A, "pod", AssumeRoleTests.Trust("""{"Service":"ec2.amazonaws.com"}""", "\"sts:AssumeRole\",\"sts:TagSession\""));
        var denied = await Assert.ThrowsAsync<StsFailureException>(() => bed.Api.AssumeRoleForPodIdentityAsync(Request(role.Arn), "req"));
        Assert.Equal("AccessDenied", denied.Error.Code);
    }

    [Fact]
    public async Task TargetRole_IsChainedForAnHour_WithExternalId_AndTheSessionPolicyOnTheLastHopOnly()
    {
        using var bed = new StsTestBed();
        var first = bed.Directory.AddRole(A, "pod", AssumeRoleTests.Trust(Service, "\"sts:AssumeRole\",\"sts:TagSession\""), maxSessionDuration: 43200);
        var target = bed.Directory.AddRole(B, "target", AssumeRoleTests.Trust($$"""{"AWS":"{{first.Arn}}"}""", "\"sts:AssumeRole\",\"sts:TagSession\"",
            ""","Condition":{"StringEquals":{"sts:ExternalId":"us-west-2/111122223333/my-cluster/default/app"}}"""), maxSessionDuration: 43200);
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""";
        var request = Request(first.Arn, target.Arn, policy: policy, externalId: "us-west-2/111122223333/my-cluster/default/app");

        // The first role's own permissions must allow the target too.
        var denied = await Assert.ThrowsAsync<StsFailureException>(() => bed.Api.AssumeRoleForPodIdentityAsync(request, "req"));
        Assert.Equal("AccessDenied", denied.Error.Code);

        bed.Directory.Allow(first.Arn, AssumeRoleTests.Allow("sts:*", target.Arn));
        var outcome = await bed.Api.AssumeRoleForPodIdentityAsync(request, "req");

        Assert.Equal(2, outcome.Hops.Count);
        var last = outcome.Credentials.Session;
        Assert.Equal(target.Arn, last.RoleArn);
        Assert.Equal(bed.Time.GetUtcNow().AddHours(1), last.Expiration);
        Assert.Equal("default", last.Tags["kubernetes-namespace"]);
        Assert.Equal(policy, last.Policy);
        Assert.Null(outcome.Hops[0].Policy);
        Assert.Equal("app-7d9f", last.Pod!.PodName);

        var wrongId = await Assert.ThrowsAsync<StsFailureException>(() => bed.Api.AssumeRoleForPodIdentityAsync(request with { ExternalId = "other" }, "req"));
        Assert.Equal("AccessDenied", wrongId.Error.Code);
    }
}
