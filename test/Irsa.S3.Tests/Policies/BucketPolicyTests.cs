using System.Text;
using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Policies;

public sealed class BucketPolicyTests : IAsyncLifetime
{
    private const string Bucket = "policed";
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::policed/*"}]}""";
    private S3TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await S3TestHost.CreateAsync();
        await _host.CreateBucketAsync(Bucket);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<S3Result> PutPolicyAsync(string text, string account = S3TestHost.Account) =>
        _host.SendAsync("PUT", Bucket, query: "policy", body: Encoding.UTF8.GetBytes(text), account: account);

    [Fact]
    public async Task The_policy_is_stored_verbatim_and_exposed_to_the_host()
    {
        (await _host.SendAsync("GET", Bucket, query: "policy")).AssertError("NoSuchBucketPolicy", 404);
        var info = await _host.Engine.GetBucketPolicyAsync(Bucket);
        Assert.Equal(S3TestHost.Account, info!.OwnerAccountId);
        Assert.Null(info.PolicyText);

        Assert.Equal(204, (await PutPolicyAsync(Policy)).EnsureSuccess().Status);
        var get = (await _host.SendAsync("GET", Bucket, query: "policy")).EnsureSuccess();
        Assert.Equal(Policy, get.Text);
        Assert.Equal(Policy, (await _host.Engine.GetBucketPolicyAsync(Bucket))!.PolicyText);
        Assert.Null(await _host.Engine.GetBucketPolicyAsync("no-such-bucket"));

        Assert.Equal(204, (await _host.SendAsync("DELETE", Bucket, query: "policy")).Status);
        (await _host.SendAsync("GET", Bucket, query: "policy")).AssertError("NoSuchBucketPolicy", 404);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"Version":"2012-10-17"}""")]
    [InlineData("""{"Statement":[]}""")]
    public async Task Bad_policies_are_MalformedPolicy(string text) =>
        (await PutPolicyAsync(text)).AssertError("MalformedPolicy", 400);

    [Fact]
    public async Task Another_account_holding_the_action_gets_MethodNotAllowed()
    {
        (await PutPolicyAsync(Policy, S3TestHost.OtherAccount)).AssertError("MethodNotAllowed", 405);
        (await _host.SendAsync("GET", Bucket, query: "policy", account: S3TestHost.OtherAccount)).AssertError("MethodNotAllowed", 405);
    }

    [Theory]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::policed/*"}]}""", "true")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::policed/*"}}""", "true")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::policed/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}""", "false")]
    [InlineData("""{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::policed/*"}]}""", "false")]
    [InlineData(Policy, "false")]
    public async Task Policy_status_is_public_for_an_unconditional_allow_to_everyone(string policy, string isPublic)
    {
        (await PutPolicyAsync(policy)).EnsureSuccess();
        var status = (await _host.SendAsync("GET", Bucket, query: "policyStatus")).EnsureSuccess();
        Assert.Equal("PolicyStatus", status.Xml.Name.LocalName);
        Assert.Equal(isPublic, status.Value("IsPublic"));
    }

    [Fact]
    public async Task Deleting_the_bucket_forgets_its_policy()
    {
        (await PutPolicyAsync(Policy)).EnsureSuccess();
        await _host.SendAsync("DELETE", Bucket);
        await _host.CreateBucketAsync(Bucket);
        Assert.Null((await _host.Engine.GetBucketPolicyAsync(Bucket))!.PolicyText);
    }
}
