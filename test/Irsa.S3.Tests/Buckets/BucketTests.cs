using System.Text;
using Irsa.S3.Buckets;
using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Buckets;

public sealed class BucketTests : IAsyncLifetime
{
    private S3TestHost _host = null!;

    public async Task InitializeAsync() => _host = await S3TestHost.CreateAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("abc", true)]
    [InlineData("my-bucket.with.dots", true)]
    [InlineData("0starts-with-digit", true)]
    [InlineData("a", false)]
    [InlineData("aa", false)]
    [InlineData("_leading", false)]
    [InlineData(".leading", false)]
    [InlineData("foo_bar", false)]
    [InlineData("trailing-", false)]
    [InlineData("Uppercase", false)]
    [InlineData("double..dot", false)]
    [InlineData("dot.-dash", false)]
    [InlineData("dash-.dot", false)]
    [InlineData("192.168.5.4", false)]
    [InlineData("xn--punycode", false)]
    [InlineData("name-s3alias", false)]
    [InlineData("name--ol-s3", false)]
    public void Bucket_name_rules(string name, bool valid) => Assert.Equal(valid, BucketNames.IsValid(name));

    [Theory]
    [InlineData(60)]
    [InlineData(63)]
    public void Long_names_up_to_63_are_valid(int length) => Assert.True(BucketNames.IsValid(new string('a', length)));

    [Fact]
    public void Sixty_four_characters_are_too_many() => Assert.False(BucketNames.IsValid(new string('a', 64)));

    [Fact]
    public async Task An_invalid_name_is_InvalidBucketName_and_creates_nothing()
    {
        (await _host.SendAsync("PUT", "foo_bar")).AssertError("InvalidBucketName", 400);
        (await _host.SendAsync("HEAD", "foo_bar")).AssertError("NoSuchBucket", 404);
    }

    [Fact]
    public async Task Create_head_location_and_delete()
    {
        var created = (await _host.SendAsync("PUT", "bucket-one")).EnsureSuccess();
        Assert.Equal(200, created.Status);
        Assert.Equal("/bucket-one", created.Header("Location"));

        var head = (await _host.SendAsync("HEAD", "bucket-one")).EnsureSuccess();
        Assert.Equal("us-east-1", head.Header("x-amz-bucket-region"));

        var location = (await _host.SendAsync("GET", "bucket-one", query: "location")).EnsureSuccess();
        Assert.Equal("LocationConstraint", location.Xml.Name.LocalName);
        Assert.Equal(S3Result.S3, location.Xml.Name.Namespace);
        Assert.Equal("", location.Xml.Value);

        Assert.Equal(204, (await _host.SendAsync("DELETE", "bucket-one")).EnsureSuccess().Status);
        (await _host.SendAsync("HEAD", "bucket-one")).AssertError("NoSuchBucket", 404);
        (await _host.SendAsync("DELETE", "bucket-one")).AssertError("NoSuchBucket", 404);
    }

    [Fact]
    public async Task Recreating_in_us_east_1_succeeds_and_keeps_contents_another_account_gets_BucketAlreadyExists()
    {
        // CreateBucket's documented us-east-1 legacy: the owner's repeated create answers 200 and changes nothing.
        await _host.CreateBucketAsync("shared");
        await _host.PutAsync("shared", "k", "v");
        var again = (await _host.SendAsync("PUT", "shared")).EnsureSuccess();
        Assert.Equal("/shared", again.Header("Location"));
        (await _host.SendAsync("PUT", "shared", account: S3TestHost.OtherAccount)).AssertError("BucketAlreadyExists", 409);
        Assert.Equal("v", (await _host.SendAsync("GET", "shared", "k")).EnsureSuccess().Text);
    }

    [Fact]
    public async Task Recreating_in_another_region_is_BucketAlreadyOwnedByYou()
    {
        await using var host = await S3TestHost.CreateAsync(new S3EngineOptions { Region = "eu-west-1" });
        var constraint = "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"u8.ToArray();
        (await host.SendAsync("PUT", "regional", body: constraint)).EnsureSuccess();
        (await host.SendAsync("PUT", "regional", body: constraint)).AssertError("BucketAlreadyOwnedByYou", 409);
    }

    [Fact]
    public async Task A_bucket_with_objects_is_BucketNotEmpty()
    {
        await _host.CreateBucketAsync("full");
        await _host.PutAsync("full", "k", "v");
        var error = (await _host.SendAsync("DELETE", "full")).AssertError("BucketNotEmpty", 409);
        Assert.Contains(new KeyValuePair<string, string>("BucketName", "full"), error.Details);
        await _host.SendAsync("DELETE", "full", "k");
        Assert.Equal(204, (await _host.SendAsync("DELETE", "full")).Status);
    }

    [Fact]
    public async Task ListBuckets_shows_only_the_callers_buckets_sorted_and_paginated()
    {
        foreach (var name in new[] { "zeta", "alpha", "mid" })
        {
            await _host.CreateBucketAsync(name);
        }

        await _host.CreateBucketAsync("other-account", S3TestHost.OtherAccount);
        var all = (await _host.SendAsync("GET")).EnsureSuccess();
        Assert.Equal(["alpha", "mid", "zeta"], all.Values("Buckets/Bucket/Name"));
        Assert.Equal([S3TestHost.Account], all.Values("Owner/ID"));
        Assert.Empty(all.Values("ContinuationToken"));
        Assert.Equal("2026-08-07T12:00:00.000Z", all.Values("Buckets/Bucket/CreationDate")[0]);

        var first = (await _host.SendAsync("GET", query: "max-buckets=2")).EnsureSuccess();
        Assert.Equal(["alpha", "mid"], first.Values("Buckets/Bucket/Name"));
        var token = first.Value("ContinuationToken");
        var second = (await _host.SendAsync("GET", query: "max-buckets=2&continuation-token=" + Uri.EscapeDataString(token))).EnsureSuccess();
        Assert.Equal(["zeta"], second.Values("Buckets/Bucket/Name"));
        Assert.Empty(second.Values("ContinuationToken"));

        (await _host.SendAsync("GET", query: "max-buckets=0")).AssertError("InvalidArgument", 400);
    }

    [Fact]
    public async Task A_mismatched_expected_bucket_owner_is_AccessDenied()
    {
        await _host.CreateBucketAsync("owned");
        (await _host.SendAsync("PUT", "owned", "k", headers: [("x-amz-expected-bucket-owner", S3TestHost.OtherAccount)])).AssertError("AccessDenied", 403);
        (await _host.SendAsync("HEAD", "owned", "k")).AssertError("NoSuchKey", 404);
        (await _host.SendAsync("PUT", "owned", "k", headers: [("x-amz-expected-bucket-owner", S3TestHost.Account)])).EnsureSuccess();
    }

    [Fact]
    public async Task ListBuckets_prefix_narrows_before_paging()
    {
        foreach (var name in new[] { "aaa-other", "bbb-1", "bbb-2", "bbb-3", "ccc" })
        {
            await _host.CreateBucketAsync(name);
        }

        var first = (await _host.SendAsync("GET", query: "prefix=bbb-&max-buckets=2")).EnsureSuccess();
        Assert.Equal(["bbb-1", "bbb-2"], first.Values("Buckets/Bucket/Name"));
        Assert.Equal("bbb-", first.Value("Prefix"));
        var second = (await _host.SendAsync("GET", query: "prefix=bbb-&max-buckets=2&continuation-token=" + Uri.EscapeDataString(first.Value("ContinuationToken"))))
            .EnsureSuccess();
        Assert.Equal(["bbb-3"], second.Values("Buckets/Bucket/Name"));
    }

    [Theory]
    [InlineData("us-east-1", "InvalidLocationConstraint")]
    [InlineData("not-a-region", "InvalidLocationConstraint")]
    [InlineData("eu-west-1", "IllegalLocationConstraintException")]
    public async Task Location_constraints_on_a_us_east_1_endpoint(string constraint, string code)
    {
        var body = Encoding.UTF8.GetBytes(
            $"<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>{constraint}</LocationConstraint></CreateBucketConfiguration>");
        (await _host.SendAsync("PUT", "located", body: body)).AssertError(code, 400);
    }

    [Fact]
    public async Task Another_region_takes_its_own_constraint_and_refuses_none()
    {
        await using var host = await S3TestHost.CreateAsync(new S3EngineOptions { Region = "eu-west-1" });
        var error = (await host.SendAsync("PUT", "unconstrained")).AssertError("IllegalLocationConstraintException", 400);
        Assert.Contains("unspecified", error.Message, StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes("<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");
        (await host.SendAsync("PUT", "located", body: body)).EnsureSuccess();
        Assert.Equal("eu-west-1", (await host.SendAsync("GET", "located", query: "location")).Xml.Value);
        Assert.Equal("eu-west-1", (await host.SendAsync("HEAD", "located")).Header("x-amz-bucket-region"));
    }

    [Theory]
    [InlineData("<CreateBucketConfiguration><LocationConstraint>")]
    [InlineData("<Other/>")]
    public async Task A_malformed_configuration_is_MalformedXML(string xml) =>
        (await _host.SendAsync("PUT", "malformed", body: Encoding.UTF8.GetBytes(xml))).AssertError("MalformedXML", 400);
}
