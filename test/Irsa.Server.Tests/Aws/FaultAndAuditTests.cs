using System.Net;
using System.Text;
using System.Xml.Linq;
using Irsa.Server.Aws;
using Irsa.Server.Tests.Cluster;
using Irsa.Storage;

namespace Irsa.Server.Tests.Aws;

/// <summary>Unexpected failures become AWS's InternalFailure with a request id; write races are retried; every call is audited.</summary>
public sealed class FaultAndAuditTests
{
    private static int _flakyCalls;

    private static AwsOperation Row(string name, AwsErrorDialect dialect, Func<AwsCall, Task<AwsResult>> handler, RestRoute? route = null) => new()
    {
        Service = route is null ? "sts" : "eks",
        Name = name,
        Auth = AwsAuthKind.Unsigned,
        Dialect = dialect,
        EventSource = "test.amazonaws.com",
        Route = route,
        Handler = handler,
    };

    private static AwsOperations FaultyRows()
    {
        var query = AwsErrorDialect.Query("https://sts.amazonaws.com/doc/2011-06-15/");
        return new AwsOperations(
        [
            Row("Crash", query, _ => throw new InvalidOperationException("secret internal detail")),
            Row("StorageFailure", query, _ => throw new IOException("database disk image is malformed")),
            Row("AlwaysRaced", query, _ => throw new ConcurrencyConflictException("iam.roles", "k")),
            Row("RacedOnce", query, _ => Interlocked.Increment(ref _flakyCalls) == 1
                ? throw new ConcurrencyConflictException("iam.roles", "k")
                : Task.FromResult(AwsResult.Ok(new AwsReply(200, "text/xml", "<ok/>"u8.ToArray())))),
            Row("JsonCrash", AwsErrorDialect.RestJson, _ => throw new InvalidOperationException("secret internal detail"), new RestRoute("GET", "crash")),
        ]);
    }

    [Fact]
    public async Task An_exception_in_a_handler_or_the_store_is_InternalFailure_with_a_request_id_in_the_operations_dialect()
    {
        await using var server = await IrsaTestServer.StartAsync();
        await using var host = await PipelineHost.StartAsync(server, FaultyRows());

        var crash = await AwsAnswer.FromAsync(await host.Http.PostAsync("/", Form("Action=Crash")));
        var storage = await AwsAnswer.FromAsync(await host.Http.PostAsync("/", Form("Action=StorageFailure")));
        var json = await AwsAnswer.FromAsync(await host.Http.GetAsync("/crash"));

        foreach (var xml in new[] { crash, storage })
        {
            Assert.Equal((500, "InternalFailure"), (xml.Code, xml.QueryErrorCode));
            Assert.Equal(xml.RequestId, XDocument.Parse(xml.Body).Descendants().Single(e => e.Name.LocalName == "RequestId").Value);
            Assert.DoesNotContain("secret", xml.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("malformed", xml.Body, StringComparison.Ordinal);
        }

        Assert.Equal((500, "InternalFailure"), (json.Code, json.ErrorType));
        Assert.NotNull(json.RequestId);
        Assert.DoesNotContain("secret", json.Body, StringComparison.Ordinal);
        Assert.Equal(["InternalFailure", "InternalFailure", "InternalFailure"], host.Records.Select(r => r.ErrorCode));
        Assert.Equal(crash.RequestId, host.Records[0].RequestId);
    }

    [Fact]
    public async Task A_write_that_keeps_losing_a_race_is_ConcurrentModification_and_one_that_loses_once_is_retried()
    {
        await using var server = await IrsaTestServer.StartAsync();
        await using var host = await PipelineHost.StartAsync(server, FaultyRows());

        var raced = await AwsAnswer.FromAsync(await host.Http.PostAsync("/", Form("Action=AlwaysRaced")));
        var retried = await AwsAnswer.FromAsync(await host.Http.PostAsync("/", Form("Action=RacedOnce")));

        Assert.Equal((409, "ConcurrentModification"), (raced.Code, raced.QueryErrorCode));
        Assert.Equal(HttpStatusCode.OK, retried.Status);
    }

    [Fact]
    public async Task Every_call_is_audited_with_what_CloudTrail_records_and_never_the_token()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var server = cluster.Server;
        await using var host = await PipelineHost.StartAsync(server);
        var reader = await AwsCalls.RoleSessionAsync(cluster, "reader", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}""");
        var token = await cluster.TokenAsync("default", "reader", "{\"audiences\":[\"sts.amazonaws.com\"]}");

        using var created = await host.SendSignedAsync(server, HttpMethod.Post, "/", "iam",
            "Action=TagRole&Version=2010-05-08&RoleName=reader&Tags.member.1.Key=team&Tags.member.1.Value=core");
        using var denied = await host.SendSignedAsync(server, HttpMethod.Post, "/", "iam", "Action=ListRoles&Version=2010-05-08", credentials: reader);
        using var badKey = await host.SendSignedAsync(server, HttpMethod.Post, "/", "iam", "Action=ListRoles&Version=2010-05-08",
            credentials: new Irsa.SigV4.SigV4Credentials(server.Admin.AccessKeyId, "wrong"));
        using var assumed = await host.Http.PostAsync("/", Form(
            $"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::{server.AccountId}:role/reader&RoleSessionName=audit&WebIdentityToken={token}"));
        var records = host.Records;

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var tag = records[0];
        Assert.Equal(("iam", "TagRole", "iam.amazonaws.com", false), (tag.Operation.Service, tag.Operation.Name, tag.Operation.EventSource, tag.Operation.ReadOnly));
        Assert.Equal("reader", tag.RequestParameters!["roleName"]!.GetValue<string>());
        Assert.Equal("team", tag.RequestParameters["tags"]![0]!["key"]!.GetValue<string>());
        Assert.Equal(server.Admin.AccessKeyId, tag.AccessKeyId);
        Assert.Equal(("AWS::IAM::Role", server.AccountId), (tag.Resources.Single().Type, tag.RecipientAccountId));
        Assert.Equal("127.0.0.1", tag.SourceIp);
        Assert.Null(tag.ErrorCode);

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(("AccessDenied", "NoAllow"), (records[1].ErrorCode, records[1].Explanation?.Check));
        Assert.NotNull(records[1].Caller);
        Assert.DoesNotContain("NoAllow", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(("SignatureDoesNotMatch", null, server.Admin.AccessKeyId), (records[2].ErrorCode, records[2].Caller, records[2].AccessKeyId));

        Assert.Equal(HttpStatusCode.OK, assumed.StatusCode);
        var assume = records[3];
        Assert.Equal(("sts.amazonaws.com", "AssumeRoleWithWebIdentity"), (assume.Operation.EventSource, assume.Operation.Name));
        Assert.Null(assume.RequestParameters!["webIdentityToken"]);
        Assert.Equal("audit", assume.RequestParameters["roleSessionName"]!.GetValue<string>());
        Assert.Equal("system:serviceaccount:default:reader", assume.WebIdentityCaller!.Subject);
        Assert.Equal("sts.amazonaws.com", assume.WebIdentityCaller.Audience);
        Assert.EndsWith(":oidc-provider/" + cluster.Issuer[(cluster.Issuer.IndexOf("://", StringComparison.Ordinal) + 3)..], assume.WebIdentityCaller.ProviderArn, StringComparison.Ordinal);
        Assert.Equal(server.AccountId, assume.RecipientAccountId);
        Assert.DoesNotContain(token, assume.RequestParameters.ToJsonString() + assume.ResponseElements!.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(assume.ResponseElements["credentials"]!["sessionToken"]);
    }

    private static StringContent Form(string body) => new(body, Encoding.UTF8, "application/x-www-form-urlencoded");
}
