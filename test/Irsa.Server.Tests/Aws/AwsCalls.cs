using System.Net;
using System.Xml.Linq;
using Irsa.Server.Tests.Cluster;
using Irsa.SigV4;

namespace Irsa.Server.Tests.Aws;

/// <summary>One AWS answer: status, body, and the request id header.</summary>
public sealed record AwsAnswer(HttpStatusCode Status, string Body, string? RequestId, string? ErrorType)
{
    public int Code => (int)Status;

    /// <summary>The awsQuery error code (<c>ErrorResponse/Error/Code</c>).</summary>
    public string? QueryErrorCode => XDocument.Parse(Body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;

    public static async Task<AwsAnswer> FromAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return new AwsAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(),
                response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.Single() : null,
                response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.Single() : null);
        }
    }
}

/// <summary>Signed IAM/EKS calls and role sessions obtained the IRSA way, for tests that act as a limited principal.</summary>
public static class AwsCalls
{
    public static async Task<AwsAnswer> IamAsync(IrsaTestServer server, string query, SigV4Credentials? credentials = null) =>
        await AwsAnswer.FromAsync(await server.SendSignedAsync(HttpMethod.Post, "/", "iam", "Version=2010-05-08&" + query, credentials: credentials));

    public static async Task<AwsAnswer> EksAsync(IrsaTestServer server, HttpMethod method, string path, string? body = null, SigV4Credentials? credentials = null) =>
        await AwsAnswer.FromAsync(await server.SendSignedAsync(method, path, "eks", body, "application/json", credentials));

    public static string Escape(string text) => Uri.EscapeDataString(text);

    /// <summary>
    /// Credentials of a session of role <paramref name="roleName"/> (created here with <paramref name="policy"/> as its inline
    /// policy), obtained by a pod's projected token through AssumeRoleWithWebIdentity.
    /// </summary>
    public static async Task<SigV4Credentials> RoleSessionAsync(KubeCluster cluster, string roleName, string policy)
    {
        var server = cluster.Server;
        var host = cluster.Issuer[(cluster.Issuer.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var providerArn = $"arn:aws:iam::{server.AccountId}:oidc-provider/{host}";
        var provider = await IamAsync(server, $"Action=CreateOpenIDConnectProvider&Url={Escape(cluster.Issuer)}&ClientIDList.member.1=sts.amazonaws.com");
        Assert.True(provider.Status == HttpStatusCode.OK || provider.QueryErrorCode == "EntityAlreadyExists", provider.Body);
        var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" + providerArn
            + "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{\"" + host + ":sub\":\"system:serviceaccount:default:" + roleName + "\"}}}]}";
        var role = await IamAsync(server, $"Action=CreateRole&RoleName={roleName}&AssumeRolePolicyDocument={Escape(trust)}");
        Assert.True(role.Status == HttpStatusCode.OK, role.Body);
        var put = await IamAsync(server, $"Action=PutRolePolicy&RoleName={roleName}&PolicyName=p&PolicyDocument={Escape(policy)}");
        Assert.True(put.Status == HttpStatusCode.OK, put.Body);
        await cluster.CreateServiceAccountAsync("default", roleName);
        var token = await cluster.TokenAsync("default", roleName, "{\"audiences\":[\"sts.amazonaws.com\"]}");
        var assumed = await AssumeAsync(server, $"arn:aws:iam::{server.AccountId}:role/{roleName}", token);
        Assert.True(assumed.Status == HttpStatusCode.OK, assumed.Body);
        var document = XDocument.Parse(assumed.Body);
        string Value(string name) => document.Descendants().First(e => e.Name.LocalName == name).Value;
        return new SigV4Credentials(Value("AccessKeyId"), Value("SecretAccessKey"), Value("SessionToken"));
    }

    public static async Task<AwsAnswer> AssumeAsync(IrsaTestServer server, string roleArn, string token, string sessionName = "session") =>
        await AwsAnswer.FromAsync(await server.Http.PostAsync("/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = roleArn,
            ["RoleSessionName"] = sessionName,
            ["WebIdentityToken"] = token,
        })));
}
