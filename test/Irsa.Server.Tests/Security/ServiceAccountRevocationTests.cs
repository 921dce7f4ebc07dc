using System.Net;
using Irsa.Server.Tests.Cluster;
using Irsa.Sts;

namespace Irsa.Server.Tests.Security;

/// <summary>
/// The attack: a service-account token not bound to a pod, kept after its service account was deleted (or deleted and
/// re-created). kube-apiserver refuses such tokens; STS must too, since no pod deletion will ever revoke them.
/// </summary>
public sealed class ServiceAccountRevocationTests
{
    [Fact]
    public async Task A_token_not_bound_to_a_pod_dies_with_its_service_account()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var roleArn = await FederateAsync(cluster);
        await cluster.CreateServiceAccountAsync("default", "app");
        var token = await cluster.TokenAsync("default", "app", "{\"audiences\":[\"sts.amazonaws.com\"]}");

        using (var live = await AssumeAsync(cluster, roleArn, token))
        {
            Assert.True(live.StatusCode == HttpStatusCode.OK, await live.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await cluster.DeleteAsync("/api/v1/namespaces/default/serviceaccounts/app")).Status);
        using (var deleted = await AssumeAsync(cluster, roleArn, token))
        {
            var body = await deleted.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, deleted.StatusCode);
            Assert.Contains("<Code>InvalidIdentityToken</Code>", body, StringComparison.Ordinal);
            Assert.Contains(StsErrors.ServiceAccountGoneMessage, body, StringComparison.Ordinal);
        }

        // Re-created under the same name it has a new uid: the old token stays dead.
        await cluster.CreateServiceAccountAsync("default", "app");
        using var recreated = await AssumeAsync(cluster, roleArn, token);
        Assert.Contains(StsErrors.ServiceAccountGoneMessage, await recreated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> FederateAsync(KubeCluster cluster)
    {
        var host = cluster.Issuer[(cluster.Issuer.IndexOf("://", StringComparison.Ordinal) + 3)..];
        using var provider = await cluster.Server.SendSignedAsync(HttpMethod.Post, "/", "iam",
            $"Action=CreateOpenIDConnectProvider&Version=2010-05-08&Url={Uri.EscapeDataString(cluster.Issuer)}&ClientIDList.member.1=sts.amazonaws.com");
        Assert.True(provider.IsSuccessStatusCode, await provider.Content.ReadAsStringAsync());
        var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::" + cluster.Server.AccountId
            + ":oidc-provider/" + host + "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}";
        using var role = await cluster.Server.SendSignedAsync(HttpMethod.Post, "/", "iam",
            $"Action=CreateRole&Version=2010-05-08&RoleName=app&AssumeRolePolicyDocument={Uri.EscapeDataString(trust)}");
        Assert.True(role.IsSuccessStatusCode, await role.Content.ReadAsStringAsync());
        return $"arn:aws:iam::{cluster.Server.AccountId}:role/app";
    }

    private static Task<HttpResponseMessage> AssumeAsync(KubeCluster cluster, string roleArn, string token) =>
        cluster.Server.Http.PostAsync("/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = roleArn,
            ["RoleSessionName"] = "revoked-session",
            ["WebIdentityToken"] = token,
        }));
}
