using System.Text;
using Irsa.Cluster.Tokens;
using Irsa.Core.Audit;
using Irsa.Sts.Sessions;
using Irsa.Sts.Tests.Support;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts.Tests.Sessions;

/// <summary>The pod behind a session: read from the token, sealed into the session token, handed to every later call.</summary>
public sealed class PodAttributionTests
{
    /// <summary>The serializer defaults the session token seals with.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions WebJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public async Task The_pod_its_node_and_the_cluster_are_sealed_and_reach_the_caller_of_later_calls()
    {
        var clusters = new FakeClusters { [StsTestBed.Issuer] = "payments-prod" };
        using var bed = new StsTestBed(clusters: clusters);

        var result = await bed.AssumeAsync(bed.Mint(node: new ObjectRef("node-1", "node-uid-1")));

        var xml = StsTestBed.Result(result);
        var expected = new PodAttribution(StsTestBed.Issuer, "payments-prod", "default", "app", "app-7d9f", "pod-uid-1", "node-1")
        {
            ServiceAccountUid = "sa-uid-1",
            NodeUid = "node-uid-1",
        };
        Assert.Equal(expected, result.IssuedSession!.Pod);
        Assert.Equal(expected, result.WebIdentity!.Pod);
        Assert.True(result.WebIdentity.Verified);
        Assert.Equal([StsTestBed.Issuer], clusters.Asked);

        // What a later signed call sees: the session token opened, then turned into the caller.
        var opened = bed.Api.OpenSession(StsTestBed.Value(xml, "Credentials", "AccessKeyId"), StsTestBed.Value(xml, "Credentials", "SessionToken"),
            bed.Time.GetUtcNow());
        Assert.True(opened.IsValid, opened.Detail);
        Assert.Equal(expected, opened.Session!.Pod);
        var caller = await bed.Api.CreateCallerAsync(opened.Session);
        Assert.Equal(expected, caller.Session!.Pod);
    }

    [Fact]
    public async Task A_pod_without_node_claim_and_an_issuer_that_is_no_cluster_leave_both_empty()
    {
        using var bed = new StsTestBed(clusters: new FakeClusters());

        var result = await bed.AssumeAsync(bed.Mint());

        var pod = result.IssuedSession!.Pod!;
        Assert.Null(pod.ClusterName);
        Assert.Null(pod.NodeName);
        Assert.Null(pod.NodeUid);
        Assert.Equal(("default", "app", "app-7d9f", "pod-uid-1"), (pod.Namespace, pod.ServiceAccount, pod.PodName, pod.PodUid));
    }

    [Fact]
    public async Task Unverified_tokens_are_not_looked_up_as_clusters()
    {
        var clusters = new FakeClusters { ["https://elsewhere.test/id/XYZ"] = "should-not-be-asked" };
        using var bed = new StsTestBed(clusters: clusters);

        var result = await bed.AssumeAsync(bed.Mint(issuer: "https://elsewhere.test/id/XYZ"));

        Assert.False(result.IsSuccess);
        Assert.Null(result.WebIdentity!.Pod!.ClusterName);
        Assert.Empty(clusters.Asked);
    }

    [Fact]
    public async Task A_token_without_kubernetes_claim_has_no_pod()
    {
        using var bed = new StsTestBed();
        var token = Jws.Sign(bed.Key, bed.Header(), bed.Payload());

        var result = await bed.AssumeAsync(token);

        Assert.Null(result.IssuedSession!.Pod);
        Assert.Null(result.WebIdentity!.Pod);
        Assert.Equal("system:serviceaccount:default:app", result.WebIdentity.Subject);
    }

    [Fact]
    public void A_session_sealed_by_an_older_build_still_opens_and_attributes_its_pod()
    {
        var now = new DateTimeOffset(2026, 8, 7, 12, 0, 0, TimeSpan.Zero);
        var service = new SessionTokenService(SessionKeyRing.Generate(now));

        // The payload as builds before node and cluster attribution wrote it (computed members included, as they were).
        const string accessKeyId = "ASIAQEXAMPLEOLDBUILD";
        const string payload = """
            {"accessKeyId":"ASIAQEXAMPLEOLDBUILD","accountId":"111122223333","roleArn":"arn:aws:iam::111122223333:role/irsa-app",
             "roleId":"AROAIRSAAPPXXXXXXXX","roleName":"irsa-app","sessionName":"s1","policyArns":[],"tags":{},"transitiveTagKeys":[],
             "issuedAt":"2026-08-07T12:00:00+00:00","expiration":"2026-08-07T13:00:00+00:00",
             "webIdentity":{"issuer":"https://oidc.test/id/ABC","providerArn":"arn:aws:iam::111122223333:oidc-provider/oidc.test/id/ABC",
               "subject":"system:serviceaccount:default:app","audience":"sts.amazonaws.com"},
             "kubernetes":{"namespace":"default","serviceAccountName":"app","serviceAccountUid":"sa-uid-1","podName":"app-7d9f","podUid":"pod-uid-1"},
             "assumedRoleArn":"arn:aws:sts::111122223333:assumed-role/irsa-app/s1","assumedRoleId":"AROAIRSAAPPXXXXXXXX:s1","hasSessionPolicies":false}
            """;
        var token = service.Seal(Encoding.UTF8.GetBytes(payload));

        var opened = service.Open(accessKeyId, token, now.AddMinutes(5));

        Assert.True(opened.IsValid, opened.Detail);
        Assert.Equal(new PodAttribution("https://oidc.test/id/ABC", null, "default", "app", "app-7d9f", "pod-uid-1", null) { ServiceAccountUid = "sa-uid-1" },
            opened.Session!.Pod);
    }

    [Fact]
    public void A_new_session_keeps_the_old_members_so_older_builds_can_open_it_too()
    {
        var now = new DateTimeOffset(2026, 8, 7, 12, 0, 0, TimeSpan.Zero);
        var session = new RoleSession
        {
            AccountId = "111122223333",
            RoleArn = "arn:aws:iam::111122223333:role/irsa-app",
            RoleId = "AROAIRSAAPPXXXXXXXX",
            RoleName = "irsa-app",
            SessionName = "s1",
            IssuedAt = now,
            Expiration = now.AddHours(1),
            WebIdentity = new WebIdentitySession("https://oidc.test/id/ABC", "arn:aws:iam::111122223333:oidc-provider/oidc.test/id/ABC",
                "system:serviceaccount:default:app", "sts.amazonaws.com"),
            Kubernetes = KubernetesSession.From(new KubernetesIdentity("default", "app", "sa-uid-1", "app-7d9f", "pod-uid-1", "node-1", "node-uid-1"), "prod"),
        };

        var json = System.Text.Json.JsonSerializer.Serialize(session, WebJson);

        // Older builds read these names and ignore the rest; the derived pod itself is never sealed twice.
        Assert.Contains("\"kubernetes\":{\"namespace\":\"default\",\"serviceAccountName\":\"app\",\"serviceAccountUid\":\"sa-uid-1\",\"podName\":\"app-7d9f\",\"podUid\":\"pod-uid-1\",\"nodeName\":\"node-1\",\"nodeUid\":\"node-uid-1\",\"clusterName\":\"prod\"}",
            json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"pod\":", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_service_account_falls_back_to_the_subject_when_the_claim_omits_it()
    {
        var pod = new KubernetesIdentity("team-a", null, null, "web-1", "uid-1").ToPodAttribution("https://i", "system:serviceaccount:team-a:web", null);

        Assert.Equal("web", pod.ServiceAccount);
    }

    private sealed class FakeClusters : Dictionary<string, string>, IClusterIssuerDirectory
    {
        public List<string> Asked { get; } = [];

        public ValueTask<string?> FindClusterNameAsync(string issuer, CancellationToken cancellationToken)
        {
            Asked.Add(issuer);
            return ValueTask.FromResult(TryGetValue(issuer, out var name) ? name : null);
        }
    }
}
