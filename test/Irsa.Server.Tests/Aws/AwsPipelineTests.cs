using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Irsa.Server.Tests.Cluster;
using static Irsa.Server.Tests.Aws.AwsCalls;

namespace Irsa.Server.Tests.Aws;

/// <summary>The pipeline seen from the wire: one request id, AWS's errors in each dialect, bounded bodies.</summary>
public sealed class AwsPipelineTests
{
    [Fact]
    public async Task A_signed_IAM_call_carries_one_request_id_in_header_and_body()
    {
        await using var server = await IrsaTestServer.StartAsync();

        var answer = await IamAsync(server, "Action=ListRoles");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.NotNull(answer.RequestId);
        Assert.Equal(answer.RequestId, XDocument.Parse(answer.Body).Descendants().Single(e => e.Name.LocalName == "RequestId").Value);
    }

    [Fact]
    public async Task Unsigned_and_unknown_calls_get_AWS_errors_in_their_dialect()
    {
        await using var server = await IrsaTestServer.StartAsync();

        var unsignedIam = await AwsAnswer.FromAsync(await server.Http.PostAsync("/", Form("Action=ListRoles&Version=2010-05-08")));
        var unknownAction = await IamAsync(server, "Action=GetUser");
        var unsignedEks = await AwsAnswer.FromAsync(await server.Http.GetAsync("/clusters"));
        var badSignature = await AwsAnswer.FromAsync(await server.SendSignedAsync(HttpMethod.Get, "/clusters", "eks",
            credentials: new Irsa.SigV4.SigV4Credentials(server.Admin.AccessKeyId, "wrong-secret")));

        Assert.Equal((403, "MissingAuthenticationToken"), (unsignedIam.Code, unsignedIam.QueryErrorCode));
        Assert.Equal((400, "InvalidAction"), (unknownAction.Code, unknownAction.QueryErrorCode));
        Assert.Equal((403, "MissingAuthenticationTokenException"), (unsignedEks.Code, unsignedEks.ErrorType));
        Assert.Equal((403, "InvalidSignatureException"), (badSignature.Code, badSignature.ErrorType));
        Assert.All([unsignedIam, unknownAction, unsignedEks, badSignature], a => Assert.NotNull(a.RequestId));
    }

    [Fact]
    public async Task An_unsigned_body_over_its_limit_is_refused_from_Content_Length_before_it_is_read()
    {
        await using var server = await IrsaTestServer.StartAsync();
        var token = new string('a', 100 * 1024);

        var answer = await AssumeAsync(server, $"arn:aws:iam::{server.AccountId}:role/app", token);

        Assert.Equal((413, "RequestEntityTooLarge"), (answer.Code, answer.QueryErrorCode));
        Assert.Contains("https://sts.amazonaws.com/doc/2011-06-15/", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_unsigned_body_stops_being_read_at_the_limit()
    {
        await using var server = await IrsaTestServer.StartAsync();
        var body = Encoding.UTF8.GetBytes("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=s&RoleArn=arn:aws:iam::123456789012:role/a&WebIdentityToken="
            + new string('a', 200 * 1024));
        using var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var answer = await AwsAnswer.FromAsync(await server.Http.SendAsync(request));

        Assert.Equal((413, "RequestEntityTooLarge"), (answer.Code, answer.QueryErrorCode));
    }

    [Fact]
    public async Task Signed_bodies_have_a_moderate_limit_in_each_dialect()
    {
        await using var server = await IrsaTestServer.StartAsync();
        var large = new string('a', 2 * 1024 * 1024);

        var iam = await IamAsync(server, "Action=ListRoles&Padding=" + large);
        var eks = await EksAsync(server, HttpMethod.Post, "/clusters", "{\"name\":\"" + large + "\"}");

        Assert.Equal((413, "RequestEntityTooLarge"), (iam.Code, iam.QueryErrorCode));
        Assert.Equal((413, "RequestEntityTooLargeException"), (eks.Code, eks.ErrorType));
    }

    [Fact]
    public async Task Text_XML_cannot_carry_is_answered_as_AWS_validation_not_a_500()
    {
        await using var server = await IrsaTestServer.StartAsync();

        var assume = await AwsAnswer.FromAsync(await server.Http.PostAsync("/", Form(
            $"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::{server.AccountId}:role/app&RoleSessionName=%01%01&WebIdentityToken=x.y.z")));
        var simulate = await IamAsync(server, "Action=SimulateCustomPolicy&ActionNames.member.1=s3:GetObject&PolicyInputList.member.1="
            + Escape("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
            + "&ContextEntries.member.1.ContextKeyName=aws:username&ContextEntries.member.1.ContextKeyType=string&ContextEntries.member.1.ContextKeyValues.member.x=a");

        Assert.Equal((400, "ValidationError"), (assume.Code, assume.QueryErrorCode));
        Assert.Equal(400, simulate.Code);
        Assert.Equal("InvalidInput", simulate.QueryErrorCode);
    }

    [Fact]
    public async Task A_mistyped_EKS_member_is_a_SerializationException()
    {
        await using var server = await IrsaTestServer.StartAsync();

        var answer = await EksAsync(server, HttpMethod.Post, "/clusters",
            $"{{\"name\":\"c\",\"roleArn\":\"arn:aws:iam::{server.AccountId}:role/eks\",\"resourcesVpcConfig\":{{}},\"tags\":{{\"a\":1}}}}");

        Assert.Equal((400, "SerializationException"), (answer.Code, answer.ErrorType));
    }

    [Fact]
    public async Task A_read_only_EKS_permission_does_not_buy_an_admin_token()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var reader = await RoleSessionAsync(cluster, "reader", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:DescribeCluster","eks:ListClusters","eks:AccessKubernetesApi"],"Resource":"*"}]}
            """);

        var describe = await EksAsync(cluster.Server, HttpMethod.Get, "/clusters/demo", credentials: reader);
        var adminToken = await EksAsync(cluster.Server, HttpMethod.Post, "/clusters/demo/admin-token", "{}", reader);
        var creator = await EksAsync(cluster.Server, HttpMethod.Post, "/clusters/demo/admin-token", "{}");

        Assert.Equal(HttpStatusCode.OK, describe.Status);
        Assert.Equal((403, "AccessDeniedException"), (adminToken.Code, adminToken.ErrorType));
        Assert.Equal(HttpStatusCode.OK, creator.Status);
    }

    [Fact]
    public async Task A_role_that_creates_a_cluster_is_its_admin_and_nobody_else_is()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var builder = await RoleSessionAsync(cluster, "builder", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:*","Resource":"*"}]}""");

        var created = await EksAsync(cluster.Server, HttpMethod.Post, "/clusters",
            $"{{\"name\":\"own\",\"roleArn\":\"arn:aws:iam::{cluster.Server.AccountId}:role/eks\",\"resourcesVpcConfig\":{{}}}}", builder);
        var byCreator = await EksAsync(cluster.Server, HttpMethod.Post, "/clusters/own/admin-token", "{}", builder);
        var byAdmin = await EksAsync(cluster.Server, HttpMethod.Post, "/clusters/own/admin-token", "{}");

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(HttpStatusCode.OK, byCreator.Status);
        Assert.Equal((403, "AccessDeniedException"), (byAdmin.Code, byAdmin.ErrorType));
    }

    private static StringContent Form(string body) => new(body, Encoding.UTF8, "application/x-www-form-urlencoded");
}
