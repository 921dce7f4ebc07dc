using Irsa.Iam.Tests.TestSupport;
using static Irsa.Iam.Tests.TestSupport.IamTestHost;

namespace Irsa.Iam.Tests.Policies;

public sealed class ManagedPolicyTests
{
    private const string Arn = "arn:aws:iam::123456789012:policy/read";
    private static readonly (string, string) PolicyArn = ("PolicyArn", Arn);

    private static Task<System.Xml.Linq.XDocument> CreateAsync(IamTestHost host) =>
        host.CallAsync("CreatePolicy", ("PolicyName", "read"), ("PolicyDocument", Docs.S3Read), ("Description", "read data"),
            ("Tags.member.1.Key", "k"), ("Tags.member.1.Value", "v"));

    [Fact]
    public async Task CreatePolicy_returns_the_policy_shape()
    {
        await using var host = await StartAsync();

        var policy = Result(await CreateAsync(host), "CreatePolicy").Element(Ns + "Policy")!;

        Assert.Equal("read", Text(policy, "PolicyName"));
        Assert.Matches("^ANPA[A-Z2-7]{17}$", Text(policy, "PolicyId"));
        Assert.Equal(Arn, Text(policy, "Arn"));
        Assert.Equal("/", Text(policy, "Path"));
        Assert.Equal("v1", Text(policy, "DefaultVersionId"));
        Assert.Equal("0", Text(policy, "AttachmentCount"));
        Assert.Equal("0", Text(policy, "PermissionsBoundaryUsageCount"));
        Assert.Equal("true", Text(policy, "IsAttachable"));
        Assert.Equal("read data", Text(policy, "Description"));
        Assert.Equal("2026-08-07T12:00:00Z", Text(policy, "CreateDate"));
        Assert.Equal("2026-08-07T12:00:00Z", Text(policy, "UpdateDate"));
        Assert.Equal("k", Text(policy, "Tags/member/Key"));
    }

    [Fact]
    public async Task Duplicate_names_are_EntityAlreadyExists()
    {
        await using var host = await StartAsync();
        await CreateAsync(host);

        var error = await host.FailAsync("CreatePolicy", ("PolicyName", "READ"), ("PolicyDocument", Docs.S3Read));

        Assert.Equal("EntityAlreadyExists", error.Code);
    }

    [Theory]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}""")]
    public async Task Malformed_managed_documents_are_rejected(string document)
    {
        await using var host = await StartAsync();

        var error = await host.FailAsync("CreatePolicy", ("PolicyName", "bad"), ("PolicyDocument", document));

        Assert.Equal("MalformedPolicyDocument", error.Code);
    }

    [Fact]
    public async Task Versions_are_created_listed_read_set_default_and_deleted()
    {
        await using var host = await StartAsync();
        await CreateAsync(host);
        host.Time.Advance(TimeSpan.FromMinutes(5));

        var v2 = Result(await host.CallAsync("CreatePolicyVersion", PolicyArn, ("PolicyDocument", Docs.S3ReadOther), ("SetAsDefault", "true")),
            "CreatePolicyVersion");
        await host.CallAsync("CreatePolicyVersion", PolicyArn, ("PolicyDocument", Docs.S3Read));
        var list = Result(await host.CallAsync("ListPolicyVersions", PolicyArn), "ListPolicyVersions");
        var got = Result(await host.CallAsync("GetPolicyVersion", PolicyArn, ("VersionId", "v2")), "GetPolicyVersion");
        await host.CallAsync("SetDefaultPolicyVersion", PolicyArn, ("VersionId", "v1"));
        await host.CallAsync("DeletePolicyVersion", PolicyArn, ("VersionId", "v2"));
        var policy = Result(await host.CallAsync("GetPolicy", PolicyArn), "GetPolicy");
        var after = Result(await host.CallAsync("ListPolicyVersions", PolicyArn), "ListPolicyVersions");

        Assert.Equal("v2", Text(v2, "PolicyVersion/VersionId"));
        Assert.Equal("true", Text(v2, "PolicyVersion/IsDefaultVersion"));
        Assert.Null(v2.Element(Ns + "PolicyVersion")!.Element(Ns + "Document"));
        Assert.Equal(["v3", "v2", "v1"], list.Element(Ns + "Versions")!.Elements(Ns + "member").Select(m => Text(m, "VersionId")));
        Assert.Equal(Uri.EscapeDataString(Docs.S3ReadOther), Text(got, "PolicyVersion/Document"));
        Assert.Equal("2026-08-07T12:05:00Z", Text(got, "PolicyVersion/CreateDate"));
        Assert.Equal("v1", Text(policy, "Policy/DefaultVersionId"));
        Assert.Equal(["v3", "v1"], after.Element(Ns + "Versions")!.Elements(Ns + "member").Select(m => Text(m, "VersionId")));
    }

    [Fact]
    public async Task A_sixth_version_is_LimitExceeded_and_the_default_cannot_be_deleted()
    {
        await using var host = await StartAsync();
        await CreateAsync(host);
        for (var i = 0; i < 4; i++)
        {
            await host.CallAsync("CreatePolicyVersion", PolicyArn, ("PolicyDocument", Docs.S3Read));
        }

        var sixth = await host.FailAsync("CreatePolicyVersion", PolicyArn, ("PolicyDocument", Docs.S3Read));
        var deleteDefault = await host.FailAsync("DeletePolicyVersion", PolicyArn, ("VersionId", "v1"));
        var missing = await host.FailAsync("GetPolicyVersion", PolicyArn, ("VersionId", "v9"));
        var badId = await host.FailAsync("GetPolicyVersion", PolicyArn, ("VersionId", "1"));

        Assert.Equal("LimitExceeded", sixth.Code);
        Assert.Equal("A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.", sixth.Message);
        Assert.Equal("DeleteConflict", deleteDefault.Code);
        Assert.Equal("NoSuchEntity", missing.Code);
        Assert.Equal("ValidationError", badId.Code);
    }

    [Fact]
    public async Task DeletePolicy_conflicts_while_attached_or_versioned()
    {
        await using var host = await StartAsync();
        await CreateAsync(host);
        await Irsa.Iam.Tests.Roles.RoleTests.CreateRoleAsync(host);
        await host.CallAsync("AttachRolePolicy", ("RoleName", "app"), PolicyArn);

        var attached = await host.FailAsync("DeletePolicy", PolicyArn);
        await host.CallAsync("DetachRolePolicy", ("RoleName", "app"), PolicyArn);
        await host.CallAsync("CreatePolicyVersion", PolicyArn, ("PolicyDocument", Docs.S3Read));
        var versioned = await host.FailAsync("DeletePolicy", PolicyArn);
        await host.CallAsync("DeletePolicyVersion", PolicyArn, ("VersionId", "v2"));
        await host.CallAsync("DeletePolicy", PolicyArn);

        Assert.Equal("Cannot delete a policy attached to entities.", attached.Message);
        Assert.Equal("DeleteConflict", versioned.Code);
        Assert.Equal($"Policy {Arn} was not found.", (await host.FailAsync("GetPolicy", PolicyArn)).Message);
    }

    [Fact]
    public async Task ListPolicies_honours_scope_only_attached_path_prefix_and_paging()
    {
        await using var host = await StartAsync();
        await host.CallAsync("CreatePolicy", ("PolicyName", "a"), ("Path", "/x/"), ("PolicyDocument", Docs.S3Read));
        await host.CallAsync("CreatePolicy", ("PolicyName", "b"), ("Path", "/x/"), ("PolicyDocument", Docs.S3Read));
        await host.CallAsync("CreatePolicy", ("PolicyName", "c"), ("PolicyDocument", Docs.S3Read));
        await Irsa.Iam.Tests.Roles.RoleTests.CreateRoleAsync(host);
        await host.CallAsync("AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", "arn:aws:iam::123456789012:policy/c"));

        static IEnumerable<string> Names(System.Xml.Linq.XElement result) =>
            result.Element(Ns + "Policies")!.Elements(Ns + "member").Select(m => Text(m, "PolicyName"));
        var local = Result(await host.CallAsync("ListPolicies", ("Scope", "Local")), "ListPolicies");
        var aws = Result(await host.CallAsync("ListPolicies", ("Scope", "AWS")), "ListPolicies");
        var attached = Result(await host.CallAsync("ListPolicies", ("OnlyAttached", "true")), "ListPolicies");
        var prefixed = Result(await host.CallAsync("ListPolicies", ("PathPrefix", "/x/"), ("MaxItems", "1")), "ListPolicies");
        var next = Result(await host.CallAsync("ListPolicies", ("PathPrefix", "/x/"), ("Marker", Text(prefixed, "Marker"))), "ListPolicies");

        Assert.Equal(["a", "b", "c"], Names(local));
        Assert.Empty(Names(aws));
        Assert.Equal(["c"], Names(attached));
        Assert.Equal(["a"], Names(prefixed));
        Assert.Equal(["b"], Names(next));
        var badScope = await host.FailAsync("ListPolicies", ("Scope", "Mine"));
        Assert.Equal("1 validation error detected: Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]",
            badScope.Message);
    }

}
