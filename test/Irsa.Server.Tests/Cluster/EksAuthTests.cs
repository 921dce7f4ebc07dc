using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Irsa.Core.Security;
using Irsa.Iam.Accounts;
using Irsa.Server.Audit;
using Irsa.Server.Tests.Aws;
using Irsa.SigV4;
using Irsa.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Irsa.Server.Tests.Cluster;

/// <summary>eks-auth's AssumeRoleForPodIdentity: the pod's credentials, and every way to ask for someone else's refused.</summary>
public sealed class EksAuthTests
{
    private const string PodIdentityAudience = "{\"audiences\":[\"pods.eks.amazonaws.com\"]";

    private static async Task<string> PodTokenAsync(KubeCluster cluster, string pod, string serviceAccount, string audience = "pods.eks.amazonaws.com")
    {
        var uid = (await cluster.GetAsync($"/api/v1/namespaces/default/pods/{pod}")).Json["metadata"]!["uid"]!.GetValue<string>();
        return await cluster.TokenAsync("default", serviceAccount,
            $"{{\"audiences\":[\"{audience}\"],\"boundObjectRef\":{{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"{pod}\",\"uid\":\"{uid}\"}}}}");
    }

    internal static async Task<AwsAnswer> AssumeAsync(IrsaTestServer server, string cluster, string token, SigV4Credentials? credentials = null) =>
        await AwsAnswer.FromAsync(await server.SendSignedAsync(HttpMethod.Post, $"/clusters/{cluster}/assume-role-for-pod-identity", "eks-auth",
            new JsonObject { ["token"] = token }.ToJsonString(), "application/json", credentials));

    /// <summary>A cluster with role <c>app</c> associated to <c>default/web</c> and a running pod <c>p1</c> of it.</summary>
    private static async Task<KubeCluster> StartAsync(string extra = "")
    {
        var cluster = await KubeCluster.StartAsync();
        var roleArn = await PodIdentityTests.CreatePodIdentityRoleAsync(cluster.Server, "app");
        Assert.Equal(HttpStatusCode.OK, (await PodIdentityTests.CreateAssociationAsync(cluster.Server, "demo", "default", "web", roleArn, extra)).Status);
        await cluster.CreateServiceAccountAsync("default", "web");
        await cluster.CreatePodAsync("default", "p1", "web");
        return cluster;
    }

    [Fact]
    public async Task A_pods_token_gets_credentials_of_the_associated_role_with_the_six_session_tags()
    {
        await using var cluster = await StartAsync();
        var server = cluster.Server;

        var answer = await AssumeAsync(server, "demo", await PodTokenAsync(cluster, "p1", "web"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var body = JsonNode.Parse(answer.Body)!;
        Assert.Equal("default", body["subject"]!["namespace"]!.GetValue<string>());
        Assert.Equal("web", body["subject"]!["serviceAccount"]!.GetValue<string>());
        Assert.Equal("pods.eks.amazonaws.com", body["audience"]!.GetValue<string>());
        Assert.StartsWith("a-", body["podIdentityAssociation"]!["associationId"]!.GetValue<string>(), StringComparison.Ordinal);
        var arn = body["assumedRoleUser"]!["arn"]!.GetValue<string>();
        Assert.StartsWith($"arn:aws:sts::{server.AccountId}:assumed-role/app/eks-demo-p1-", arn, StringComparison.Ordinal);
        var credentials = body["credentials"]!;
        Assert.StartsWith("ASIA", credentials["accessKeyId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(credentials["expiration"]!.GetValue<long>() > DateTimeOffset.UtcNow.AddHours(5).ToUnixTimeSeconds());

        // The credentials work, as the session they name.
        var pod = new SigV4Credentials(credentials["accessKeyId"]!.GetValue<string>(), credentials["secretAccessKey"]!.GetValue<string>(),
            credentials["sessionToken"]!.GetValue<string>());
        using var identity = await server.SendSignedAsync(HttpMethod.Post, "/", "sts", "Action=GetCallerIdentity&Version=2011-06-15", credentials: pod);
        var xml = XDocument.Parse(await identity.Content.ReadAsStringAsync());
        Assert.Equal(arn, xml.Descendants().Single(e => e.Name.LocalName == "Arn").Value);

        // The trail: the eks-auth call names the pod and the session tags, and never the token or the secret.
        var events = await LookupAsync(server, "AssumeRoleForPodIdentity");
        var record = JsonNode.Parse(Assert.Single(events))!;
        Assert.Equal("eks-auth.amazonaws.com", record["eventSource"]!.GetValue<string>());
        Assert.Equal("p1", record["additionalEventData"]!["kubernetes"]!["podName"]!.GetValue<string>());
        var tags = record["additionalEventData"]!["sessionTags"]!;
        Assert.Equal("default", tags["kubernetes-namespace"]!.GetValue<string>());
        Assert.Equal("web", tags["kubernetes-service-account"]!.GetValue<string>());
        Assert.Equal("p1", tags["kubernetes-pod-name"]!.GetValue<string>());
        Assert.Equal("demo", tags["eks-cluster-name"]!.GetValue<string>());
        Assert.Equal($"arn:aws:eks:{server.Region}:{server.AccountId}:cluster/demo", tags["eks-cluster-arn"]!.GetValue<string>());
        Assert.NotNull(tags["kubernetes-pod-uid"]);
        Assert.DoesNotContain("token\"", record.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(credentials["secretAccessKey"]!.GetValue<string>(), record.ToJsonString(), StringComparison.Ordinal);

        // Later calls with the pod's credentials carry the pod too.
        var call = JsonNode.Parse(Assert.Single(await LookupAsync(server, "GetCallerIdentity")))!;
        Assert.Equal("p1", call["additionalEventData"]!["kubernetes"]!["podName"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_for_the_IRSA_audience_is_refused_and_a_Pod_Identity_token_is_refused_by_web_identity()
    {
        await using var cluster = await StartAsync();
        var server = cluster.Server;

        var irsaToken = await PodTokenAsync(cluster, "p1", "web", "sts.amazonaws.com");
        var refused = await AssumeAsync(server, "demo", irsaToken);
        Assert.Equal(400, refused.Code);
        Assert.Equal("InvalidTokenException", refused.ErrorType);
        Assert.DoesNotContain("ASIA", refused.Body, StringComparison.Ordinal);

        // The reverse: a role that trusts the cluster's OIDC provider for sts.amazonaws.com refuses a Pod Identity token.
        var host = cluster.Issuer[(cluster.Issuer.IndexOf("://", StringComparison.Ordinal) + 3)..];
        Assert.Equal(HttpStatusCode.OK, (await AwsCalls.IamAsync(server,
            $"Action=CreateOpenIDConnectProvider&Url={AwsCalls.Escape(cluster.Issuer)}&ClientIDList.member.1=sts.amazonaws.com")).Status);
        var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::" + server.AccountId
            + ":oidc-provider/" + host + "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}";
        Assert.Equal(HttpStatusCode.OK, (await AwsCalls.IamAsync(server, $"Action=CreateRole&RoleName=irsa&AssumeRolePolicyDocument={AwsCalls.Escape(trust)}")).Status);
        var web = await AwsCalls.AssumeAsync(server, $"arn:aws:iam::{server.AccountId}:role/irsa", await PodTokenAsync(cluster, "p1", "web"));
        Assert.NotEqual(HttpStatusCode.OK, web.Status);
        Assert.Equal("InvalidIdentityToken", web.QueryErrorCode);
    }

    [Fact]
    public async Task A_token_of_a_deleted_pod_is_refused()
    {
        await using var cluster = await StartAsync();
        var token = await PodTokenAsync(cluster, "p1", "web");
        Assert.Equal(HttpStatusCode.OK, (await cluster.DeleteAsync("/api/v1/namespaces/default/pods/p1")).Status);

        var refused = await AssumeAsync(cluster.Server, "demo", token);

        Assert.Equal(400, refused.Code);
        Assert.Equal("InvalidTokenException", refused.ErrorType);
    }

    [Fact]
    public async Task A_token_of_another_cluster_is_refused_even_for_the_same_service_account()
    {
        await using var cluster = await StartAsync();
        var server = cluster.Server;
        var other = await KubeCluster.ForAsync(server, "other"); // shares the server the first cluster disposes
        await other.CreateServiceAccountAsync("default", "web");
        await other.CreatePodAsync("default", "p1", "web");
        var foreign = await PodTokenAsync(other, "p1", "web");

        var refused = await AssumeAsync(server, "demo", foreign);

        Assert.Equal(400, refused.Code);
        Assert.Equal("InvalidTokenException", refused.ErrorType);

        // Its own cluster has no association for it.
        var unassociated = await AssumeAsync(server, "other", foreign);
        Assert.Equal(404, unassociated.Code);
        Assert.Equal("ResourceNotFoundException", unassociated.ErrorType);
    }

    [Fact]
    public async Task A_caller_of_another_account_cannot_use_the_clusters_association()
    {
        await using var cluster = await StartAsync();
        var server = cluster.Server;
        var services = server.Server.Services;
        var otherAdmin = await new IamBootstrap(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<SecretProtector>(), TimeProvider.System)
            .EnsureAccountAsync("444455556666");

        var refused = await AssumeAsync(server, "demo", await PodTokenAsync(cluster, "p1", "web"),
            new SigV4Credentials(otherAdmin.AccessKeyId, otherAdmin.SecretAccessKey));

        Assert.Equal(404, refused.Code);
        Assert.Equal("ResourceNotFoundException", refused.ErrorType);
        Assert.DoesNotContain("ASIA", refused.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_without_the_eks_auth_permission_gets_AccessDeniedException_400()
    {
        await using var cluster = await StartAsync();
        var limited = await AwsCalls.RoleSessionAsync(cluster, "node", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"eks:DescribeCluster\",\"Resource\":\"*\"}]}");

        var refused = await AssumeAsync(cluster.Server, "demo", await PodTokenAsync(cluster, "p1", "web"), limited);

        Assert.Equal(400, refused.Code);
        Assert.Equal("AccessDeniedException", refused.ErrorType);
    }

    [Fact]
    public async Task A_role_whose_trust_no_longer_names_pod_identity_is_AccessDeniedException()
    {
        await using var cluster = await StartAsync();
        var server = cluster.Server;
        var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
        Assert.Equal(HttpStatusCode.OK, (await AwsCalls.IamAsync(server, $"Action=UpdateAssumeRolePolicy&RoleName=app&PolicyDocument={AwsCalls.Escape(trust)}")).Status);

        var refused = await AssumeAsync(server, "demo", await PodTokenAsync(cluster, "p1", "web"));

        Assert.Equal(400, refused.Code);
        Assert.Equal("AccessDeniedException", refused.ErrorType);
    }

    [Fact]
    public async Task Session_names_keep_their_uuid_within_64_characters()
    {
        var name = Irsa.Server.Cluster.EksAuthApi.SessionName(new string('c', 100), new string('p', 63));
        Assert.Equal(64, name.Length);
        Assert.True(Guid.TryParse(name[^36..], out _));
        Assert.StartsWith("eks-ccc", name, StringComparison.Ordinal);
    }

    private static async Task<List<string>> LookupAsync(IrsaTestServer server, string eventName)
    {
        using var response = await SignedHttp.SendAsync(server.Http, HttpMethod.Post, new Uri(server.Url + "/"), "cloudtrail", server.Region, server.Admin,
            $"{{\"LookupAttributes\":[{{\"AttributeKey\":\"EventName\",\"AttributeValue\":\"{eventName}\"}}]}}", "application/x-amz-json-1.1",
            KeyValuePair.Create("X-Amz-Target", CloudTrailApi.TargetPrefix + "LookupEvents"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return [.. body["Events"]!.AsArray().Select(e => e!["CloudTrailEvent"]!.GetValue<string>())];
    }
}
