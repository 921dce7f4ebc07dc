using System.Net;
using Irsa.Server.Tests.Cluster;
using static Irsa.Server.Tests.Aws.AwsCalls;

namespace Irsa.Server.Tests.Aws;

/// <summary>Each operation is authorized against the canonical ARN of what it touches, with the condition keys AWS supplies.</summary>
public sealed class AuthorizationTargetTests
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    [Fact]
    public async Task A_deny_on_a_provider_cannot_be_dodged_by_spelling_its_host_in_capitals()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var server = cluster.Server;
        var arn = $"arn:aws:iam::{server.AccountId}:oidc-provider/oidc.example.com/id/X";
        Assert.Equal(HttpStatusCode.OK, (await IamAsync(server, "Action=CreateOpenIDConnectProvider&Url=" + Escape("https://oidc.example.com/id/X"))).Status);
        var session = await RoleSessionAsync(cluster, "operator", $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"iam:*","Resource":"*"},
              {"Effect":"Deny","Action":"iam:*","Resource":"{{arn}}"}]}
            """);

        var shouted = await IamAsync(server, "Action=DeleteOpenIDConnectProvider&OpenIDConnectProviderArn=" + Escape(arn.Replace("oidc.example.com", "OIDC.EXAMPLE.COM", StringComparison.Ordinal)), session);
        var still = await IamAsync(server, "Action=GetOpenIDConnectProvider&OpenIDConnectProviderArn=" + Escape(arn));

        Assert.Equal((403, "AccessDenied"), (shouted.Code, shouted.QueryErrorCode));
        Assert.Contains(arn, shouted.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, still.Status);
    }

    [Fact]
    public async Task Resource_tags_protect_a_role_from_UpdateAssumeRolePolicy()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var server = cluster.Server;
        Assert.Equal(HttpStatusCode.OK, (await IamAsync(server, $"Action=CreateRole&RoleName=guarded&AssumeRolePolicyDocument={Escape(Trust)}&Tags.member.1.Key=protected&Tags.member.1.Value=true")).Status);
        Assert.Equal(HttpStatusCode.OK, (await IamAsync(server, $"Action=CreateRole&RoleName=open&AssumeRolePolicyDocument={Escape(Trust)}")).Status);
        var session = await RoleSessionAsync(cluster, "operator", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"iam:*","Resource":"*"},
              {"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/protected":"true"}}}]}
            """);

        var guarded = await IamAsync(server, $"Action=UpdateAssumeRolePolicy&RoleName=GUARDED&PolicyDocument={Escape(Trust)}", session);
        var open = await IamAsync(server, $"Action=UpdateAssumeRolePolicy&RoleName=open&PolicyDocument={Escape(Trust)}", session);

        Assert.Equal((403, "AccessDenied"), (guarded.Code, guarded.QueryErrorCode));
        Assert.Equal(HttpStatusCode.OK, open.Status);
    }

    [Fact]
    public async Task PolicyARN_limits_AttachRolePolicy_and_RequestTag_limits_CreateRole()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var server = cluster.Server;
        var allowed = $"arn:aws:iam::{server.AccountId}:policy/allowed";
        var other = $"arn:aws:iam::{server.AccountId}:policy/other";
        const string document = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";
        Assert.Equal(HttpStatusCode.OK, (await IamAsync(server, $"Action=CreatePolicy&PolicyName=allowed&PolicyDocument={Escape(document)}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await IamAsync(server, $"Action=CreatePolicy&PolicyName=other&PolicyDocument={Escape(document)}")).Status);
        var session = await RoleSessionAsync(cluster, "operator", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"ALLOWED"}}},
              {"Effect":"Allow","Action":"iam:CreateRole","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"core"}}}]}
            """.Replace("ALLOWED", allowed, StringComparison.Ordinal));

        var attachOther = await IamAsync(server, $"Action=AttachRolePolicy&RoleName=operator&PolicyArn={Escape(other)}", session);
        var attachAllowed = await IamAsync(server, $"Action=AttachRolePolicy&RoleName=operator&PolicyArn={Escape(allowed)}", session);
        var createEdge = await IamAsync(server, $"Action=CreateRole&RoleName=edge&AssumeRolePolicyDocument={Escape(Trust)}&Tags.member.1.Key=team&Tags.member.1.Value=edge", session);
        var createCore = await IamAsync(server, $"Action=CreateRole&RoleName=core&AssumeRolePolicyDocument={Escape(Trust)}&Tags.member.1.Key=team&Tags.member.1.Value=core", session);

        Assert.Equal((403, "AccessDenied"), (attachOther.Code, attachOther.QueryErrorCode));
        Assert.Equal(HttpStatusCode.OK, attachAllowed.Status);
        Assert.Equal((403, "AccessDenied"), (createEdge.Code, createEdge.QueryErrorCode));
        Assert.Equal(HttpStatusCode.OK, createCore.Status);
    }

    [Fact]
    public async Task CreateCluster_is_authorized_against_the_new_cluster_ARN()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var server = cluster.Server;
        var session = await RoleSessionAsync(cluster, "builder", $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"eks:CreateCluster","Resource":"*"},
              {"Effect":"Deny","Action":"eks:CreateCluster","Resource":"arn:aws:eks:{{server.Region}}:{{server.AccountId}}:cluster/forbidden"}]}
            """);
        string Body(string name) => $"{{\"name\":\"{name}\",\"roleArn\":\"arn:aws:iam::{server.AccountId}:role/eks\",\"resourcesVpcConfig\":{{}}}}";

        var forbidden = await EksAsync(server, HttpMethod.Post, "/clusters", Body("forbidden"), session);
        var fine = await EksAsync(server, HttpMethod.Post, "/clusters", Body("fine"), session);

        Assert.Equal((403, "AccessDeniedException"), (forbidden.Code, forbidden.ErrorType));
        Assert.Equal(HttpStatusCode.OK, fine.Status);
    }
}
