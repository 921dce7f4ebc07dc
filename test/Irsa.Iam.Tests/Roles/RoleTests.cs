using Irsa.Iam.Tests.TestSupport;
using static Irsa.Iam.Tests.TestSupport.IamTestHost;

namespace Irsa.Iam.Tests.Roles;

public sealed class RoleTests
{
    internal static async Task CreateProviderAsync(IamTestHost host) =>
        await host.CallAsync("CreateOpenIDConnectProvider", ("Url", "https://" + Docs.Issuer), ("ClientIDList.member.1", "sts.amazonaws.com"));

    internal static async Task<System.Xml.Linq.XElement> CreateRoleAsync(IamTestHost host, string name = "app", string path = "/",
        params (string, string)[] extra)
    {
        await CreateProviderIfMissingAsync(host);
        return Result(await host.CallAsync("CreateRole", [("RoleName", name), ("Path", path), ("AssumeRolePolicyDocument", Docs.IrsaTrust), .. extra]),
            "CreateRole").Element(Ns + "Role")!;
    }

    private static async Task CreateProviderIfMissingAsync(IamTestHost host)
    {
        if (await host.Queries.GetOpenIdConnectProviderAsync(AccountId, Docs.Issuer) is null)
        {
            await CreateProviderAsync(host);
        }
    }

    [Fact]
    public async Task CreateRole_returns_the_role_with_ids_arn_path_and_encoded_trust_policy()
    {
        await using var host = await StartAsync();

        var role = await CreateRoleAsync(host, "app", "/irsa/", ("Description", "the app"), ("MaxSessionDuration", "7200"),
            ("Tags.member.1.Key", "ns"), ("Tags.member.1.Value", "default"));

        Assert.Equal("/irsa/", Text(role, "Path"));
        Assert.Equal("app", Text(role, "RoleName"));
        Assert.Matches("^AROA[A-Z2-7]{17}$", Text(role, "RoleId"));
        Assert.Equal("arn:aws:iam::123456789012:role/irsa/app", Text(role, "Arn"));
        Assert.Equal("2026-08-07T12:00:00Z", Text(role, "CreateDate"));
        Assert.Equal(Uri.EscapeDataString(Docs.IrsaTrust), Text(role, "AssumeRolePolicyDocument"));
        Assert.StartsWith("%7B%22Version%22%3A%222012-10-17%22%2C", Text(role, "AssumeRolePolicyDocument"), StringComparison.Ordinal);
        Assert.Equal("the app", Text(role, "Description"));
        Assert.Equal("7200", Text(role, "MaxSessionDuration"));
        Assert.Equal("default", Text(role, "Tags/member/Value"));
    }

    [Fact]
    public async Task Documents_are_stored_verbatim_and_encoded_with_percent20_never_plus()
    {
        await using var host = await StartAsync();
        await CreateProviderAsync(host);
        var spaced = "{ \"Version\": \"2012-10-17\",\n  \"Statement\": [ { \"Effect\": \"Allow\", \"Principal\": { \"Federated\": \"" + Docs.ProviderArn +
            "\" }, \"Action\": \"sts:AssumeRoleWithWebIdentity\", \"Condition\": { \"StringLike\": { \"" + Docs.Issuer + ":sub\": \"system:serviceaccount:a+b:*\" } } } ] }";

        await host.CallAsync("CreateRole", ("RoleName", "spaced"), ("AssumeRolePolicyDocument", spaced));
        var encoded = Text(Result(await host.CallAsync("GetRole", ("RoleName", "spaced")), "GetRole"), "Role/AssumeRolePolicyDocument");

        Assert.Contains("%20", encoded, StringComparison.Ordinal);
        Assert.Contains("%0A", encoded, StringComparison.Ordinal);
        Assert.Contains("a%2Bb", encoded, StringComparison.Ordinal);
        Assert.DoesNotContain("+", encoded, StringComparison.Ordinal);
        Assert.Equal(spaced, Uri.UnescapeDataString(encoded));
    }

    [Fact]
    public async Task GetRole_includes_boundary_tags_and_RoleLastUsed()
    {
        await using var host = await StartAsync();
        await host.CallAsync("CreatePolicy", ("PolicyName", "boundary"), ("PolicyDocument", Docs.S3Read));
        await CreateRoleAsync(host, "app", "/", ("PermissionsBoundary", "arn:aws:iam::123456789012:policy/boundary"),
            ("Tags.member.1.Key", "k"), ("Tags.member.1.Value", "v"));
        await host.Queries.RecordRoleUsedAsync("arn:aws:iam::123456789012:role/app", "us-east-1");

        var role = Result(await host.CallAsync("GetRole", ("RoleName", "APP")), "GetRole").Element(Ns + "Role")!;

        Assert.Equal("PermissionsBoundaryPolicy", Text(role, "PermissionsBoundary/PermissionsBoundaryType"));
        Assert.Equal("arn:aws:iam::123456789012:policy/boundary", Text(role, "PermissionsBoundary/PermissionsBoundaryArn"));
        Assert.Equal("k", Text(role, "Tags/member/Key"));
        Assert.Equal("us-east-1", Text(role, "RoleLastUsed/Region"));
        var policy = Result(await host.CallAsync("GetPolicy", ("PolicyArn", "arn:aws:iam::123456789012:policy/boundary")), "GetPolicy");
        Assert.Equal("1", Text(policy, "Policy/PermissionsBoundaryUsageCount"));
    }

    [Fact]
    public async Task Role_names_are_unique_case_insensitively()
    {
        await using var host = await StartAsync();
        await CreateRoleAsync(host, "App");

        var error = await host.FailAsync("CreateRole", ("RoleName", "app"), ("AssumeRolePolicyDocument", Docs.IrsaTrust));

        Assert.Equal("EntityAlreadyExists", error.Code);
        Assert.Equal("Role with name app already exists.", error.Message);
    }

    [Fact]
    public async Task Missing_role_is_NoSuchEntity_with_the_AWS_message()
    {
        await using var host = await StartAsync();

        var error = await host.FailAsync("GetRole", ("RoleName", "nope"));

        Assert.Equal("NoSuchEntity", error.Code);
        Assert.Equal(404, error.StatusCode);
        Assert.Equal("The role with name nope cannot be found.", error.Message);
    }

    [Fact]
    public async Task Constraint_violations_are_one_ValidationError_worded_as_AWS()
    {
        await using var host = await StartAsync();

        var error = await host.FailAsync("CreateRole", ("RoleName", "bad name!"), ("AssumeRolePolicyDocument", Docs.IrsaTrust),
            ("MaxSessionDuration", "60"));

        Assert.Equal("ValidationError", error.Code);
        Assert.Equal(
            "2 validation errors detected: Value 'bad name!' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; " +
            "Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
            error.Message);
    }

    [Fact]
    public async Task Missing_required_member_is_ValidationError()
    {
        await using var host = await StartAsync();

        var error = await host.FailAsync("CreateRole", ("RoleName", "x"));

        Assert.Equal("1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null", error.Message);
    }

    [Theory]
    [InlineData("{not json", "This policy contains invalid Json")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}""", "Has prohibited field Resource")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}]}""", "AssumeRole policy may only specify STS AssumeRole actions.")]
    public async Task Invalid_trust_policies_are_MalformedPolicyDocument(string document, string message)
    {
        await using var host = await StartAsync();

        var error = await host.FailAsync("CreateRole", ("RoleName", "x"), ("AssumeRolePolicyDocument", document));

        Assert.Equal("MalformedPolicyDocument", error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Oversized_trust_policy_is_LimitExceeded_ACLSizePerRole()
    {
        await using var host = await StartAsync();
        var values = string.Join(",", Enumerable.Range(0, 120).Select(i => $"\"system:serviceaccount:ns:sa-{i:D4}\""));
        var document = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.example.com/id/ABC:sub":[""" + values + "]}}}]}";

        var error = await host.FailAsync("CreateRole", ("RoleName", "big"), ("AssumeRolePolicyDocument", document));

        Assert.Equal("LimitExceeded", error.Code);
        Assert.Equal("Cannot exceed quota for ACLSizePerRole: 2048", error.Message);
    }

    [Fact]
    public async Task Boundary_must_exist()
    {
        await using var host = await StartAsync();
        await CreateProviderAsync(host);

        var error = await host.FailAsync("CreateRole", ("RoleName", "x"), ("AssumeRolePolicyDocument", Docs.IrsaTrust),
            ("PermissionsBoundary", "arn:aws:iam::123456789012:policy/none"));

        Assert.Equal("NoSuchEntity", error.Code);
    }

    [Fact]
    public async Task ListRoles_filters_by_path_prefix_pages_and_omits_tags_and_boundary()
    {
        await using var host = await StartAsync();
        await CreateRoleAsync(host, "a", "/irsa/", ("Tags.member.1.Key", "k"), ("Tags.member.1.Value", "v"));
        await CreateRoleAsync(host, "b", "/irsa/");
        await CreateRoleAsync(host, "c", "/other/");

        var first = Result(await host.CallAsync("ListRoles", ("PathPrefix", "/irsa/"), ("MaxItems", "1")), "ListRoles");
        var second = Result(await host.CallAsync("ListRoles", ("PathPrefix", "/irsa/"), ("Marker", Text(first, "Marker"))), "ListRoles");
        var all = Result(await host.CallAsync("ListRoles"), "ListRoles");

        Assert.Equal("true", Text(first, "IsTruncated"));
        Assert.Equal(["a"], first.Element(Ns + "Roles")!.Elements(Ns + "member").Select(m => Text(m, "RoleName")));
        Assert.Equal("false", Text(second, "IsTruncated"));
        Assert.Null(second.Element(Ns + "Marker"));
        Assert.Equal(["b"], second.Element(Ns + "Roles")!.Elements(Ns + "member").Select(m => Text(m, "RoleName")));
        Assert.Equal(3, all.Element(Ns + "Roles")!.Elements(Ns + "member").Count());
        var member = first.Element(Ns + "Roles")!.Element(Ns + "member")!;
        Assert.Null(member.Element(Ns + "Tags"));
        Assert.Null(member.Element(Ns + "RoleLastUsed"));
        Assert.Null(member.Element(Ns + "PermissionsBoundary"));
        Assert.NotNull(member.Element(Ns + "AssumeRolePolicyDocument"));
    }

    [Fact]
    public async Task UpdateRole_and_UpdateAssumeRolePolicy_change_the_role()
    {
        await using var host = await StartAsync();
        await CreateRoleAsync(host);
        var newTrust = Docs.IrsaTrust.Replace("default:app", "default:other", StringComparison.Ordinal);

        var update = await host.CallAsync("UpdateRole", ("RoleName", "app"), ("Description", "new"), ("MaxSessionDuration", "43200"));
        await host.CallAsync("UpdateAssumeRolePolicy", ("RoleName", "app"), ("PolicyDocument", newTrust));
        var role = Result(await host.CallAsync("GetRole", ("RoleName", "app")), "GetRole");

        Assert.NotNull(update.Root!.Element(Ns + "UpdateRoleResult"));
        Assert.Equal("new", Text(role, "Role/Description"));
        Assert.Equal("43200", Text(role, "Role/MaxSessionDuration"));
        Assert.Equal(newTrust, Uri.UnescapeDataString(Text(role, "Role/AssumeRolePolicyDocument")));
        var tooLong = await host.FailAsync("UpdateRole", ("RoleName", "app"), ("MaxSessionDuration", "43201"));
        Assert.Equal("ValidationError", tooLong.Code);
        var malformed = await host.FailAsync("UpdateAssumeRolePolicy", ("RoleName", "app"), ("PolicyDocument", "{"));
        Assert.Equal("MalformedPolicyDocument", malformed.Code);
    }

    [Fact]
    public async Task Boundaries_are_put_and_deleted()
    {
        await using var host = await StartAsync();
        await CreateRoleAsync(host);
        await host.CallAsync("CreatePolicy", ("PolicyName", "b"), ("PolicyDocument", Docs.S3Read));

        await host.CallAsync("PutRolePermissionsBoundary", ("RoleName", "app"), ("PermissionsBoundary", "arn:aws:iam::123456789012:policy/b"));
        var withBoundary = Result(await host.CallAsync("GetRole", ("RoleName", "app")), "GetRole");
        await host.CallAsync("DeleteRolePermissionsBoundary", ("RoleName", "app"));
        var without = Result(await host.CallAsync("GetRole", ("RoleName", "app")), "GetRole");

        Assert.Equal("arn:aws:iam::123456789012:policy/b", Text(withBoundary, "Role/PermissionsBoundary/PermissionsBoundaryArn"));
        Assert.Null(without.Element(Ns + "Role")!.Element(Ns + "PermissionsBoundary"));
        var policy = Result(await host.CallAsync("GetPolicy", ("PolicyArn", "arn:aws:iam::123456789012:policy/b")), "GetPolicy");
        Assert.Equal("0", Text(policy, "Policy/PermissionsBoundaryUsageCount"));
    }

    [Fact]
    public async Task Role_tags_are_merged_listed_and_removed()
    {
        await using var host = await StartAsync();
        await CreateRoleAsync(host, "app", "/", ("Tags.member.1.Key", "a"), ("Tags.member.1.Value", "1"));

        await host.CallAsync("TagRole", ("RoleName", "app"), ("Tags.member.1.Key", "A"), ("Tags.member.1.Value", "2"), ("Tags.member.2.Key", "b"), ("Tags.member.2.Value", ""));
        var listed = Result(await host.CallAsync("ListRoleTags", ("RoleName", "app")), "ListRoleTags");
        await host.CallAsync("UntagRole", ("RoleName", "app"), ("TagKeys.member.1", "a"));
        var after = Result(await host.CallAsync("ListRoleTags", ("RoleName", "app")), "ListRoleTags");

        Assert.Equal(["A=2", "b="], listed.Element(Ns + "Tags")!.Elements(Ns + "member").Select(m => Text(m, "Key") + "=" + Text(m, "Value")));
        Assert.Equal(["b"], after.Element(Ns + "Tags")!.Elements(Ns + "member").Select(m => Text(m, "Key")));
        var duplicate = await host.FailAsync("TagRole", ("RoleName", "app"), ("Tags.member.1.Key", "x"), ("Tags.member.1.Value", "1"),
            ("Tags.member.2.Key", "X"), ("Tags.member.2.Value", "2"));
        Assert.Equal("InvalidInput", duplicate.Code);
    }

    [Fact]
    public async Task DeleteRole_conflicts_while_policies_exist_and_then_succeeds()
    {
        await using var host = await StartAsync();
        await CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "read"), ("PolicyDocument", Docs.S3Read));
        await host.CallAsync("CreatePolicy", ("PolicyName", "managed"), ("PolicyDocument", Docs.S3Read));
        await host.CallAsync("AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", "arn:aws:iam::123456789012:policy/managed"));

        var inlineConflict = await host.FailAsync("DeleteRole", ("RoleName", "app"));
        await host.CallAsync("DeleteRolePolicy", ("RoleName", "app"), ("PolicyName", "read"));
        var attachedConflict = await host.FailAsync("DeleteRole", ("RoleName", "app"));
        await host.CallAsync("DetachRolePolicy", ("RoleName", "app"), ("PolicyArn", "arn:aws:iam::123456789012:policy/managed"));
        var deleted = await host.CallAsync("DeleteRole", ("RoleName", "app"));

        Assert.Equal("DeleteConflict", inlineConflict.Code);
        Assert.Equal(409, inlineConflict.StatusCode);
        Assert.Equal("Cannot delete entity, must delete policies first.", inlineConflict.Message);
        Assert.Equal("Cannot delete entity, must detach all policies first.", attachedConflict.Message);
        Assert.Null(deleted.Root!.Element(Ns + "DeleteRoleResult"));
        Assert.Equal("NoSuchEntity", (await host.FailAsync("GetRole", ("RoleName", "app"))).Code);
    }
}
