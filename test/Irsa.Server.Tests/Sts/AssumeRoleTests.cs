using System.Net;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Irsa.Server.Tests.Aws;
using Irsa.SigV4;

namespace Irsa.Server.Tests.Sts;

/// <summary>AssumeRole, GetSessionToken and GetAccessKeyInfo through the real AWSSDK.SecurityToken client, across two accounts.</summary>
public sealed class AssumeRoleTests : IAsyncLifetime
{
    private IrsaTestServer _server = null!;
    private PipelineHost _host = null!;
    private SigV4Credentials _other = null!;
    private string _otherAccount = null!;

    public async Task InitializeAsync()
    {
        _server = await IrsaTestServer.StartAsync();
        _host = await PipelineHost.StartAsync(_server);
        using var created = await CreateAccountAsync("prod", _server.Admin);
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.IsSuccessStatusCode, body.ToJsonString());
        _otherAccount = body["Account"]!["Id"]!.GetValue<string>();
        _other = new SigV4Credentials(body["AccessKey"]!["AccessKeyId"]!.GetValue<string>(), body["AccessKey"]!["SecretAccessKey"]!.GetValue<string>());
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    private Task<HttpResponseMessage> CreateAccountAsync(string name, SigV4Credentials credentials) =>
        SignedHttp.SendAsync(_server.Http, HttpMethod.Post, new Uri(_server.Url + "/"), "irsa", _server.Region, credentials, $$"""{"Name":"{{name}}"}""",
            "application/x-amz-json-1.1", KeyValuePair.Create("X-Amz-Target", "IrsaAccounts.CreateAccount"));

    private string AdminArn => $"arn:aws:iam::{_server.AccountId}:user/irsa-admin";

    private AmazonSecurityTokenServiceClient Sts(AWSCredentials credentials, string? url = null) =>
        new(credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = url ?? _server.Url, AuthenticationRegion = _server.Region });

    private AmazonSecurityTokenServiceClient Sts(SigV4Credentials credentials, string? url = null) =>
        Sts(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey), url);

    private static SessionAWSCredentials Session(Credentials credentials) =>
        new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);

    private static string Trust(string principal, string actions = "\"sts:AssumeRole\"", string condition = "") =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{principal}}"},"Action":[{{actions}}]{{condition}}}]}""";

    private async Task<string> RoleAsync(string name, string trust, string? policy = null, SigV4Credentials? account = null, int maxSession = 3600)
    {
        var created = await AwsCalls.IamAsync(_server,
            $"Action=CreateRole&RoleName={name}&MaxSessionDuration={maxSession}&AssumeRolePolicyDocument={AwsCalls.Escape(trust)}", account);
        Assert.True(created.Status == HttpStatusCode.OK, created.Body);
        if (policy is not null)
        {
            var put = await AwsCalls.IamAsync(_server, $"Action=PutRolePolicy&RoleName={name}&PolicyName=p&PolicyDocument={AwsCalls.Escape(policy)}", account);
            Assert.True(put.Status == HttpStatusCode.OK, put.Body);
        }

        return $"arn:aws:iam::{(account is null ? _server.AccountId : _otherAccount)}:role/{name}";
    }

    [Fact]
    public async Task SameAccount_trust_naming_the_user_gives_a_session_whose_caller_is_the_assumed_role()
    {
        var role = await RoleAsync("app", Trust(AdminArn));
        using var sts = Sts(_server.Admin);

        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = role, RoleSessionName = "same" });

        Assert.Equal($"arn:aws:sts::{_server.AccountId}:assumed-role/app/same", assumed.AssumedRoleUser.Arn);
        Assert.StartsWith("ASIA", assumed.Credentials.AccessKeyId, StringComparison.Ordinal);
#pragma warning disable CS0618 // The SDK marks PackedPolicySize deprecated; STS still answers it and it is what this checks.
        Assert.Null(assumed.PackedPolicySize);
#pragma warning restore CS0618
        using var session = Sts(Session(assumed.Credentials));
        var identity = await session.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(assumed.AssumedRoleUser.Arn, identity.Arn);
        Assert.Equal(assumed.AssumedRoleUser.AssumedRoleId, identity.UserId);
    }

    [Fact]
    public async Task CrossAccount_needs_the_target_trust_and_the_callers_identity_permission_and_a_chained_session_lasts_an_hour_at_most()
    {
        var limited = await RoleAsync("limited", Trust(AdminArn));
        var target = await RoleAsync("target", Trust(_server.AccountId), account: _other, maxSession: 43200);
        var closed = await RoleAsync("closed", Trust("999988887777"), account: _other);
        using var admin = Sts(_server.Admin);
        var session = (await admin.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = limited, RoleSessionName = "hop1" })).Credentials;
        using var hop1 = Sts(Session(session));

        // The trust names A, but A's role has no permission to assume anything.
        var noIdentity = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            hop1.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = target, RoleSessionName = "hop2" }));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden), (noIdentity.ErrorCode, noIdentity.StatusCode));
        Assert.Equal($"User: arn:aws:sts::{_server.AccountId}:assumed-role/limited/hop1 is not authorized to perform: sts:AssumeRole on resource: {target}",
            noIdentity.Message);

        var put = await AwsCalls.IamAsync(_server, $"Action=PutRolePolicy&RoleName=limited&PolicyName=assume&PolicyDocument={AwsCalls.Escape(
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}""")}");
        Assert.True(put.Status == HttpStatusCode.OK, put.Body);

        var noTrust = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            hop1.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = closed, RoleSessionName = "hop2" }));
        Assert.Equal("AccessDenied", noTrust.ErrorCode);

        var tooLong = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            hop1.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = target, RoleSessionName = "hop2", DurationSeconds = 7200 }));
        Assert.Equal(("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."),
            (tooLong.ErrorCode, tooLong.Message));

        var chained = await hop1.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = target, RoleSessionName = "hop2" });
        Assert.Equal($"arn:aws:sts::{_otherAccount}:assumed-role/target/hop2", chained.AssumedRoleUser.Arn);
        Assert.InRange(chained.Credentials.Expiration!.Value - DateTime.UtcNow, TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task ExternalId_is_checked_by_the_trust_policy()
    {
        var role = await RoleAsync("vendor", Trust(_server.AccountId, condition: ""","Condition":{"StringEquals":{"sts:ExternalId":"ext-42"}}"""),
            account: _other);
        using var admin = Sts(_server.Admin);

        var denied = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            admin.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = role, RoleSessionName = "vendor", ExternalId = "ext-41" }));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        var allowed = await admin.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = role, RoleSessionName = "vendor", ExternalId = "ext-42" });
        Assert.Equal(_otherAccount, allowed.AssumedRoleUser.Arn.Split(':')[4]);
    }

    [Fact]
    public async Task Session_tags_become_principal_tags_in_later_authorization_and_are_recorded()
    {
        var role = await RoleAsync("tagged", Trust(AdminArn, "\"sts:AssumeRole\",\"sts:TagSession\""),
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}""");
        using var admin = Sts(_server.Admin, _host.Url);

        async Task<HttpStatusCode> ListRolesAsync(string team)
        {
            var assumed = await admin.AssumeRoleAsync(new AssumeRoleRequest
            {
                RoleArn = role,
                RoleSessionName = "t-" + team,
                Tags = [new Tag { Key = "team", Value = team }],
                TransitiveTagKeys = ["team"],
            });
#pragma warning disable CS0618 // The SDK marks PackedPolicySize deprecated; STS still answers it and it is what this checks.
            Assert.InRange(assumed.PackedPolicySize!.Value, 1, 100);
#pragma warning restore CS0618
            var c = assumed.Credentials;
            var answer = await AwsCalls.IamAsync(_server, "Action=ListRoles", new SigV4Credentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken));
            return answer.Status;
        }

        Assert.Equal(HttpStatusCode.OK, await ListRolesAsync("blue"));
        Assert.Equal(HttpStatusCode.Forbidden, await ListRolesAsync("red"));

        var record = _host.Records.First(r => r.Operation.Name == "AssumeRole" && r.ErrorCode is null);
        Assert.Equal("sts.amazonaws.com", record.Operation.EventSource);
        Assert.Equal(role, record.RequestParameters!["roleArn"]!.GetValue<string>());
        Assert.Equal("team", record.RequestParameters["tags"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("team", record.RequestParameters["transitiveTagKeys"]![0]!.GetValue<string>());
        Assert.Equal($"arn:aws:sts::{_server.AccountId}:assumed-role/tagged/t-blue", record.ResponseElements!["assumedRoleUser"]!["arn"]!.GetValue<string>());
        Assert.NotNull(record.ResponseElements["packedPolicySize"]);
        Assert.Null(record.ResponseElements["credentials"]!["sessionToken"]);
        Assert.Equal(AdminArn, record.Caller!.PrincipalArn);
        Assert.Equal(role, record.Resources.Single().Arn);
    }

    [Fact]
    public async Task TagSession_missing_from_the_trust_is_denied_with_the_action_named()
    {
        var role = await RoleAsync("untaggable", Trust(AdminArn));
        using var admin = Sts(_server.Admin);
        var denied = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => admin.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = role,
            RoleSessionName = "tags",
            Tags = [new Tag { Key = "team", Value = "x" }],
        }));
        Assert.Equal($"User: {AdminArn} is not authorized to perform: sts:TagSession on resource: {role}", denied.Message);
    }

    [Fact]
    public async Task Oversized_session_policy_is_PackedPolicyTooLarge()
    {
        var role = await RoleAsync("packed", Trust(AdminArn));
        using var admin = Sts(_server.Admin);
        var random = new Random(7);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var resources = string.Join(",", Enumerable.Range(0, 38).Select(_ => "\"arn:aws:s3:::b/" + new string([.. Enumerable.Range(0, 32).Select(_ => alphabet[random.Next(alphabet.Length)])]) + "\""));
        var policy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[{{resources}}]}]}""";
        Assert.True(policy.Length <= 2048, policy.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var error = await Assert.ThrowsAsync<PackedPolicyTooLargeException>(() =>
            admin.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = role, RoleSessionName = "packed", Policy = policy }));
        Assert.Matches(@"^Packed policy consumes \d+% of allotted space, please use smaller policy\.$", error.Message);
    }

    [Fact]
    public async Task GetSessionToken_is_for_long_term_keys_and_its_caller_is_the_user()
    {
        using var admin = Sts(_server.Admin);
        var token = await admin.GetSessionTokenAsync(new GetSessionTokenRequest { DurationSeconds = 900 });
        Assert.StartsWith("ASIA", token.Credentials.AccessKeyId, StringComparison.Ordinal);

        using var session = Sts(Session(token.Credentials));
        Assert.Equal(AdminArn, (await session.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
        var again = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => session.GetSessionTokenAsync(new GetSessionTokenRequest()));
        Assert.Equal(("AccessDenied", "Cannot call GetSessionToken with session credentials"), (again.ErrorCode, again.Message));
    }

    [Fact]
    public async Task GetAccessKeyInfo_names_the_account_of_long_term_and_session_keys()
    {
        using var admin = Sts(_server.Admin);
        Assert.Equal(_otherAccount, (await admin.GetAccessKeyInfoAsync(new GetAccessKeyInfoRequest { AccessKeyId = _other.AccessKeyId })).Account);
        var role = await RoleAsync("keyinfo", Trust(_server.AccountId), account: _other);
        var session = await admin.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = role, RoleSessionName = "keyinfo" });
        Assert.Equal(_otherAccount, (await admin.GetAccessKeyInfoAsync(new GetAccessKeyInfoRequest { AccessKeyId = session.Credentials.AccessKeyId })).Account);
    }

    [Fact]
    public async Task Only_the_management_account_creates_accounts()
    {
        using var response = await CreateAccountAsync("nested", _other);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("AccessDeniedException", text, StringComparison.Ordinal);
    }
}
