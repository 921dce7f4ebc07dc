using Irsa.Iam.Tests.TestSupport;
using static Irsa.Iam.Tests.TestSupport.IamTestHost;

namespace Irsa.Iam.Tests.OpenIdConnectProviders;

public sealed class OpenIdConnectProviderTests
{
    private const string Thumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";

    private static Task<System.Xml.Linq.XDocument> CreateAsync(IamTestHost host, string url = "https://" + Docs.Issuer) =>
        host.CallAsync("CreateOpenIDConnectProvider", ("Url", url), ("ClientIDList.member.1", "sts.amazonaws.com"),
            ("ThumbprintList.member.1", Thumbprint), ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "platform"));

    [Fact]
    public async Task Create_returns_the_arn_without_scheme_and_the_tags()
    {
        await using var host = await StartAsync();

        var result = Result(await CreateAsync(host), "CreateOpenIDConnectProvider");

        Assert.Equal(Docs.ProviderArn, Text(result, "OpenIDConnectProviderArn"));
        Assert.Equal("team", Text(result, "Tags/member/Key"));
    }

    [Fact]
    public async Task Get_returns_url_without_scheme_lists_and_rfc3339_create_date()
    {
        await using var host = await StartAsync();
        await CreateAsync(host);

        var result = Result(await host.CallAsync("GetOpenIDConnectProvider", ("OpenIDConnectProviderArn", Docs.ProviderArn)), "GetOpenIDConnectProvider");

        Assert.Equal(Docs.Issuer, Text(result, "Url"));
        Assert.Equal(["sts.amazonaws.com"], Members(result, "ClientIDList"));
        Assert.Equal([Thumbprint], Members(result, "ThumbprintList"));
        Assert.Equal("2026-08-07T12:00:00Z", Text(result, "CreateDate"));
        Assert.Equal("platform", Text(result, "Tags/member/Value"));
    }

    [Fact]
    public async Task Thumbprints_are_optional_and_list_returns_arns()
    {
        await using var host = await StartAsync();
        await host.CallAsync("CreateOpenIDConnectProvider", ("Url", "https://a.example.com"), ("ClientIDList", ""));
        await host.CallAsync("CreateOpenIDConnectProvider", ("Url", "https://b.example.com/path"));

        var result = Result(await host.CallAsync("ListOpenIDConnectProviders"), "ListOpenIDConnectProviders");

        var arns = result.Element(Ns + "OpenIDConnectProviderList")!.Elements(Ns + "member").Select(m => Text(m, "Arn")).ToList();
        Assert.Equal(["arn:aws:iam::123456789012:oidc-provider/a.example.com", "arn:aws:iam::123456789012:oidc-provider/b.example.com/path"], arns);
    }

    [Fact]
    public async Task Duplicate_url_is_EntityAlreadyExists_and_changes_nothing()
    {
        await using var host = await StartAsync();
        await CreateAsync(host);

        var error = await host.FailAsync("CreateOpenIDConnectProvider", ("Url", "https://OIDC.example.com/id/ABC"));

        Assert.Equal("EntityAlreadyExists", error.Code);
        Assert.Equal(409, error.StatusCode);
    }

    [Theory]
    [InlineData("http://oidc.example.com")]
    [InlineData("ftp://oidc.example.com")]
    [InlineData("https://oidc.example.com/id?x=1")]
    [InlineData("https://oidc.example.com/#frag")]
    [InlineData("oidc.example.com")]
    [InlineData("http://10.0.0.1:8080")]
    public async Task Bad_urls_are_InvalidInput(string url)
    {
        await using var host = await StartAsync();

        var error = await host.FailAsync("CreateOpenIDConnectProvider", ("Url", url));

        Assert.Equal("InvalidInput", error.Code);
        Assert.Equal(400, error.StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8443/issuer", "127.0.0.1:8443/issuer")]
    [InlineData("http://localhost:9000", "localhost:9000")]
    [InlineData("http://[::1]:9000", "[::1]:9000")]
    [InlineData("https://oidc.example.com:8443/x", "oidc.example.com:8443/x")]
    public async Task Loopback_http_and_ports_are_accepted_for_local_development(string url, string expected)
    {
        await using var host = await StartAsync();

        var result = Result(await host.CallAsync("CreateOpenIDConnectProvider", ("Url", url)), "CreateOpenIDConnectProvider");

        Assert.Equal("arn:aws:iam::123456789012:oidc-provider/" + expected, Text(result, "OpenIDConnectProviderArn"));
        var provider = await host.Queries.GetOpenIdConnectProviderAsync(AccountId, url);
        Assert.NotNull(provider);
        Assert.Equal(url.TrimEnd('/'), provider.IssuerUrl);
    }

    [Fact]
    public async Task Bad_thumbprints_are_rejected_without_changes()
    {
        await using var host = await StartAsync();

        var notHex = await host.FailAsync("CreateOpenIDConnectProvider", ("Url", "https://x.example.com"), ("ThumbprintList.member.1", new string('z', 40)));
        var tooShort = await host.FailAsync("CreateOpenIDConnectProvider", ("Url", "https://x.example.com"), ("ThumbprintList.member.1", "abc"));
        var tooMany = await host.FailAsync("CreateOpenIDConnectProvider", [("Url", "https://x.example.com"),
            .. Enumerable.Range(1, 6).Select(i => ($"ThumbprintList.member.{i}", new string((char)('a' + i), 40)))]);

        Assert.Equal("InvalidInput", notHex.Code);
        Assert.Equal("ValidationError", tooShort.Code);
        Assert.Equal("1 validation error detected: Value 'abc' at 'thumbprintList.1.member' failed to satisfy constraint: Member must have length greater than or equal to 40",
            tooShort.Message);
        Assert.Equal("LimitExceeded", tooMany.Code);
    }

    [Fact]
    public async Task More_than_100_client_ids_is_LimitExceeded()
    {
        await using var host = await StartAsync();
        var ids = Enumerable.Range(1, 100).Select(i => ($"ClientIDList.member.{i}", $"client-{i}")).ToArray();
        await host.CallAsync("CreateOpenIDConnectProvider", [("Url", "https://" + Docs.Issuer), .. ids]);

        var error = await host.FailAsync("AddClientIDToOpenIDConnectProvider", ("OpenIDConnectProviderArn", Docs.ProviderArn), ("ClientID", "one-more"));

        Assert.Equal("LimitExceeded", error.Code);
        Assert.Equal("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100", error.Message);
        var tooMany = await host.FailAsync("CreateOpenIDConnectProvider",
            [("Url", "https://other.example.com"), .. Enumerable.Range(1, 101).Select(i => ($"ClientIDList.member.{i}", $"c{i}"))]);
        Assert.Equal("LimitExceeded", tooMany.Code);
    }

    [Fact]
    public async Task Client_ids_are_added_idempotently_and_removed()
    {
        await using var host = await StartAsync();
        await CreateAsync(host);
        var arn = ("OpenIDConnectProviderArn", Docs.ProviderArn);

        await host.CallAsync("AddClientIDToOpenIDConnectProvider", arn, ("ClientID", "extra"));
        await host.CallAsync("AddClientIDToOpenIDConnectProvider", arn, ("ClientID", "extra"));
        var afterAdd = Members(Result(await host.CallAsync("GetOpenIDConnectProvider", arn), "GetOpenIDConnectProvider"), "ClientIDList");
        await host.CallAsync("RemoveClientIDFromOpenIDConnectProvider", arn, ("ClientID", "sts.amazonaws.com"));
        await host.CallAsync("RemoveClientIDFromOpenIDConnectProvider", arn, ("ClientID", "never-there"));
        var afterRemove = Members(Result(await host.CallAsync("GetOpenIDConnectProvider", arn), "GetOpenIDConnectProvider"), "ClientIDList");

        Assert.Equal(["sts.amazonaws.com", "extra"], afterAdd);
        Assert.Equal(["extra"], afterRemove);
    }

    [Fact]
    public async Task Update_thumbprint_replaces_the_list()
    {
        await using var host = await StartAsync();
        await CreateAsync(host);
        var arn = ("OpenIDConnectProviderArn", Docs.ProviderArn);
        var replacement = new string('b', 40);

        var response = await host.CallAsync("UpdateOpenIDConnectProviderThumbprint", arn, ("ThumbprintList.member.1", replacement));

        Assert.Null(response.Root!.Element(Ns + "UpdateOpenIDConnectProviderThumbprintResult"));
        Assert.Equal([replacement], Members(Result(await host.CallAsync("GetOpenIDConnectProvider", arn), "GetOpenIDConnectProvider"), "ThumbprintList"));
    }

    [Fact]
    public async Task Tags_can_be_added_listed_and_removed()
    {
        await using var host = await StartAsync();
        await CreateAsync(host);
        var arn = ("OpenIDConnectProviderArn", Docs.ProviderArn);

        await host.CallAsync("TagOpenIDConnectProvider", arn, ("Tags.member.1.Key", "env"), ("Tags.member.1.Value", "dev"),
            ("Tags.member.2.Key", "TEAM"), ("Tags.member.2.Value", "core"));
        var listed = Result(await host.CallAsync("ListOpenIDConnectProviderTags", arn), "ListOpenIDConnectProviderTags");
        await host.CallAsync("UntagOpenIDConnectProvider", arn, ("TagKeys.member.1", "env"));
        var after = Result(await host.CallAsync("ListOpenIDConnectProviderTags", arn, ("MaxItems", "1")), "ListOpenIDConnectProviderTags");

        Assert.Equal(["TEAM", "env"], listed.Element(Ns + "Tags")!.Elements(Ns + "member").Select(m => Text(m, "Key")));
        Assert.Equal("false", Text(listed, "IsTruncated"));
        Assert.Equal(["TEAM"], after.Element(Ns + "Tags")!.Elements(Ns + "member").Select(m => Text(m, "Key")));
    }

    [Fact]
    public async Task Delete_removes_the_provider_and_a_second_delete_is_NoSuchEntity()
    {
        await using var host = await StartAsync();
        await CreateAsync(host);
        var arn = ("OpenIDConnectProviderArn", Docs.ProviderArn);

        var response = await host.CallAsync("DeleteOpenIDConnectProvider", arn);
        var error = await host.FailAsync("DeleteOpenIDConnectProvider", arn);
        var getError = await host.FailAsync("GetOpenIDConnectProvider", arn);

        Assert.Null(response.Root!.Element(Ns + "DeleteOpenIDConnectProviderResult"));
        Assert.Equal("NoSuchEntity", error.Code);
        Assert.Equal(404, getError.StatusCode);
        Assert.Equal($"OpenIDConnect Provider not found for arn {Docs.ProviderArn}", getError.Message);
    }
}
