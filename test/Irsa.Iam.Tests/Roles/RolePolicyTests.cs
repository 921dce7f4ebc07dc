using Irsa.Iam.Tests.TestSupport;
using static Irsa.Iam.Tests.TestSupport.IamTestHost;

namespace Irsa.Iam.Tests.Roles;

public sealed class RolePolicyTests
{
    private const string ManagedArn = "arn:aws:iam::123456789012:policy/teams/managed";

    [Fact]
    public async Task Inline_policies_are_put_read_encoded_listed_and_deleted()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);

        var put = await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "read"), ("PolicyDocument", Docs.S3Read));
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "another"), ("PolicyDocument", Docs.S3ReadOther));
        var get = Result(await host.CallAsync("GetRolePolicy", ("RoleName", "app"), ("PolicyName", "read")), "GetRolePolicy");
        var list = Result(await host.CallAsync("ListRolePolicies", ("RoleName", "app")), "ListRolePolicies");
        await host.CallAsync("DeleteRolePolicy", ("RoleName", "app"), ("PolicyName", "read"));
        var afterDelete = Result(await host.CallAsync("ListRolePolicies", ("RoleName", "app")), "ListRolePolicies");

        Assert.Null(put.Root!.Element(Ns + "PutRolePolicyResult"));
        Assert.Equal("app", Text(get, "RoleName"));
        Assert.Equal("read", Text(get, "PolicyName"));
        Assert.Equal(Uri.EscapeDataString(Docs.S3Read), Text(get, "PolicyDocument"));
        Assert.Equal(["another", "read"], Members(list, "PolicyNames"));
        Assert.Equal("false", Text(list, "IsTruncated"));
        Assert.Equal(["another"], Members(afterDelete, "PolicyNames"));
    }

    [Fact]
    public async Task Missing_inline_policy_is_NoSuchEntity()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);

        var get = await host.FailAsync("GetRolePolicy", ("RoleName", "app"), ("PolicyName", "none"));
        var delete = await host.FailAsync("DeleteRolePolicy", ("RoleName", "app"), ("PolicyName", "none"));

        Assert.Equal("The role policy with name none cannot be found.", get.Message);
        Assert.Equal("NoSuchEntity", delete.Code);
    }

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}""")]
    [InlineData("not json")]
    public async Task Malformed_inline_policies_are_rejected_without_changes(string document)
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);

        var error = await host.FailAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "bad"), ("PolicyDocument", document));

        Assert.Equal("MalformedPolicyDocument", error.Code);
        Assert.False(string.IsNullOrEmpty(error.Message));
    }

    [Fact]
    public async Task Inline_policies_are_limited_to_10240_non_whitespace_characters_per_role()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        var resources = string.Join(",", Enumerable.Range(0, 150).Select(i => $"\"arn:aws:s3:::bucket-number-{i:D4}/*\""));
        var big = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[""" + resources + "]}]}";
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "one"), ("PolicyDocument", big));

        var error = await host.FailAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "two"), ("PolicyDocument", big));

        Assert.Equal("LimitExceeded", error.Code);
        Assert.Equal("Maximum policy size of 10240 bytes exceeded for role app", error.Message);
    }

    [Fact]
    public async Task Managed_policies_are_attached_listed_counted_and_detached()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("CreatePolicy", ("PolicyName", "managed"), ("Path", "/teams/"), ("PolicyDocument", Docs.S3Read));

        await host.CallAsync("AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", ManagedArn));
        await host.CallAsync("AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", ManagedArn));
        var listed = Result(await host.CallAsync("ListAttachedRolePolicies", ("RoleName", "app")), "ListAttachedRolePolicies");
        var filtered = Result(await host.CallAsync("ListAttachedRolePolicies", ("RoleName", "app"), ("PathPrefix", "/other/")), "ListAttachedRolePolicies");
        var attachedCount = Text(Result(await host.CallAsync("GetPolicy", ("PolicyArn", ManagedArn)), "GetPolicy"), "Policy/AttachmentCount");
        await host.CallAsync("DetachRolePolicy", ("RoleName", "app"), ("PolicyArn", ManagedArn));
        var detachedCount = Text(Result(await host.CallAsync("GetPolicy", ("PolicyArn", ManagedArn)), "GetPolicy"), "Policy/AttachmentCount");

        var member = listed.Element(Ns + "AttachedPolicies")!.Element(Ns + "member")!;
        Assert.Equal("managed", Text(member, "PolicyName"));
        Assert.Equal(ManagedArn, Text(member, "PolicyArn"));
        Assert.Single(listed.Element(Ns + "AttachedPolicies")!.Elements(Ns + "member"));
        Assert.Empty(filtered.Element(Ns + "AttachedPolicies")!.Elements());
        Assert.Equal("1", attachedCount);
        Assert.Equal("0", detachedCount);
    }

    [Fact]
    public async Task Attaching_unknown_or_too_many_policies_fails_without_changes()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        for (var i = 0; i < 10; i++)
        {
            await host.CallAsync("CreatePolicy", ("PolicyName", $"p{i}"), ("PolicyDocument", Docs.S3Read));
            await host.CallAsync("AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", $"arn:aws:iam::123456789012:policy/p{i}"));
        }

        await host.CallAsync("CreatePolicy", ("PolicyName", "p10"), ("PolicyDocument", Docs.S3Read));

        var unknown = await host.FailAsync("AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", "arn:aws:iam::123456789012:policy/nope"));
        var wrongPath = await host.FailAsync("AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", "arn:aws:iam::123456789012:policy/x/p10"));
        var tooMany = await host.FailAsync("AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", "arn:aws:iam::123456789012:policy/p10"));
        var notAttached = await host.FailAsync("DetachRolePolicy", ("RoleName", "app"), ("PolicyArn", "arn:aws:iam::123456789012:policy/p10"));

        Assert.Equal("NoSuchEntity", unknown.Code);
        Assert.Equal("Policy arn:aws:iam::123456789012:policy/nope does not exist or is not attachable.", unknown.Message);
        Assert.Equal("NoSuchEntity", wrongPath.Code);
        Assert.Equal("LimitExceeded", tooMany.Code);
        Assert.Equal("Cannot exceed quota for PoliciesPerRole: 10", tooMany.Message);
        Assert.Equal("NoSuchEntity", notAttached.Code);
    }
}
