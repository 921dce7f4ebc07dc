using Irsa.Iam.Authorization;
using Irsa.Iam.Tests.Roles;
using Irsa.Iam.Tests.TestSupport;
using Irsa.Policy;
using static Irsa.Iam.Tests.TestSupport.IamTestHost;

namespace Irsa.Iam.Tests.Authorization;

public sealed class AuthorizationTests
{
    private const string SessionArn = "arn:aws:sts::123456789012:assumed-role/app/sess";

    private static async Task<CallerIdentity> SessionAsync(IamTestHost host, CallerSession? session = null)
    {
        var role = await host.Queries.GetRoleByArnAsync("arn:aws:iam::123456789012:role/app");
        Assert.NotNull(role);
        return CallerIdentity.ForRoleSession(AccountId, role.Arn, role.RoleName, role.RoleId, "sess", session ?? CallerSession.Empty);
    }

    private static Task<AuthorizationOutcome?> AuthorizeCreateRoleAsync(IamTestHost host, CallerIdentity caller) =>
        AuthorizeAsync(host, caller, "CreateRole", Params("CreateRole", ("RoleName", "X")));

    /// <summary>What the host's pipeline does: the catalog row's canonical target and condition keys, through the authorizer.</summary>
    private static async Task<AuthorizationOutcome?> AuthorizeAsync(IamTestHost host, CallerIdentity caller, string action, Irsa.Core.Query.QueryParameters parameters)
    {
        if (IamActionCatalog.Find(action) is not { } entry)
        {
            return null;
        }

        var target = await host.Catalog.ResolveAsync(entry, parameters, caller.AccountId);
        return await host.Authorizer.AuthorizeAsync(caller, entry.PolicyAction, target.ResourceArn, target.ConditionKeys);
    }

    [Fact]
    public async Task The_bootstrap_admin_is_allowed_everything()
    {
        await using var host = await StartAsync();

        var outcome = await AuthorizeCreateRoleAsync(host, host.AdminCaller);

        Assert.NotNull(outcome);
        Assert.True(outcome.IsAllowed);
        Assert.Equal("AdministratorAccess", Assert.Single(outcome.Result.MatchedStatements).PolicyId);
        Assert.Null(outcome.ToAccessDenied());
    }

    [Fact]
    public async Task A_role_session_without_iam_permissions_gets_the_AWS_shaped_AccessDenied()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "read"), ("PolicyDocument", Docs.S3Read));

        var outcome = await AuthorizeCreateRoleAsync(host, await SessionAsync(host));
        var error = outcome!.ToAccessDenied();

        Assert.Equal(PolicyDecision.ImplicitDeny, outcome.Decision);
        Assert.NotNull(error);
        Assert.Equal("AccessDenied", error.Code);
        Assert.Equal(403, error.StatusCode);
        Assert.Equal($"User: {SessionArn} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/X " +
            "because no identity-based policy allows the iam:CreateRole action", error.Message);
    }

    [Fact]
    public async Task An_explicit_deny_is_reported_as_such()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "allow"), ("PolicyDocument", Docs.AllowIam));
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "deny"), ("PolicyDocument", Docs.DenyIam));

        var outcome = await AuthorizeCreateRoleAsync(host, await SessionAsync(host));

        Assert.Equal(PolicyDecision.ExplicitDeny, outcome!.Decision);
        Assert.Equal($"User: {SessionArn} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/X " +
            "with an explicit deny in an identity-based policy", outcome.ToAccessDenied()!.Message);
    }

    [Fact]
    public async Task Policy_changes_take_effect_on_the_next_request()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("CreatePolicy", ("PolicyName", "iam"), ("PolicyDocument", Docs.AllowIam));
        var caller = await SessionAsync(host);

        var before = await AuthorizeCreateRoleAsync(host, caller);
        await host.CallAsync("AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", "arn:aws:iam::123456789012:policy/iam"));
        var attached = await AuthorizeCreateRoleAsync(host, caller);
        await host.CallAsync("CreatePolicyVersion", ("PolicyArn", "arn:aws:iam::123456789012:policy/iam"), ("PolicyDocument", Docs.S3Read),
            ("SetAsDefault", "true"));
        var newDefault = await AuthorizeCreateRoleAsync(host, caller);

        Assert.False(before!.IsAllowed);
        Assert.True(attached!.IsAllowed);
        Assert.Equal("iam", Assert.Single(attached.Result.MatchedStatements).PolicyId);
        Assert.False(newDefault!.IsAllowed);
    }

    [Fact]
    public async Task Session_policies_and_boundaries_limit_a_role_and_are_named_in_the_denial()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "allow"), ("PolicyDocument", Docs.AllowIam));
        var sessionPolicy = new PolicyEntry("session", PolicySourceType.None, PolicyDocument.ParseValid(Docs.S3Read, PolicyKind.Session));

        var limitedBySession = await AuthorizeCreateRoleAsync(host, await SessionAsync(host, CallerSession.Empty with { SessionPolicies = [sessionPolicy] }));
        await host.CallAsync("CreatePolicy", ("PolicyName", "boundary"), ("PolicyDocument", Docs.S3Read));
        await host.CallAsync("PutRolePermissionsBoundary", ("RoleName", "app"), ("PermissionsBoundary", "arn:aws:iam::123456789012:policy/boundary"));
        var limitedByBoundary = await AuthorizeCreateRoleAsync(host, await SessionAsync(host));

        Assert.EndsWith("because no session policy allows the iam:CreateRole action", limitedBySession!.ToAccessDenied()!.Message, StringComparison.Ordinal);
        Assert.False(limitedByBoundary!.IsAllowed);
        Assert.False(limitedByBoundary.Result.AllowedByPermissionsBoundary);
        Assert.EndsWith("because no permissions boundary allows the iam:CreateRole action", limitedByBoundary.ToAccessDenied()!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_of_a_deleted_and_recreated_role_are_denied()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "allow"), ("PolicyDocument", Docs.AllowIam));
        var oldSession = await SessionAsync(host);
        await host.CallAsync("DeleteRolePolicy", ("RoleName", "app"), ("PolicyName", "allow"));
        await host.CallAsync("DeleteRole", ("RoleName", "app"));
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "allow"), ("PolicyDocument", Docs.AllowIam));

        var outcome = await AuthorizeCreateRoleAsync(host, oldSession);
        var fresh = await AuthorizeCreateRoleAsync(host, await SessionAsync(host));

        Assert.False(outcome!.IsAllowed);
        Assert.True(fresh!.IsAllowed);
    }

    [Fact]
    public async Task Session_tags_and_role_tags_are_principal_tags()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host, "app", "/", ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "core"));
        const string tagged = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${aws:PrincipalTag/team}/*"}]}""";
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "tagged"), ("PolicyDocument", tagged));

        var byRoleTag = await host.Authorizer.AuthorizeAsync(await SessionAsync(host), "s3:GetObject", "arn:aws:s3:::core/file");
        var overridden = await host.Authorizer.AuthorizeAsync(
            await SessionAsync(host, CallerSession.Empty with { SessionTags = new Dictionary<string, string> { ["team"] = "edge" } }),
            "s3:GetObject", "arn:aws:s3:::core/file");

        Assert.True(byRoleTag.IsAllowed);
        Assert.False(overridden.IsAllowed);
    }

    [Fact]
    public async Task Every_catalog_row_is_served_by_the_api()
    {
        await using var host = await StartAsync();

        // Each row's handler runs (a validation error is fine; InvalidAction would mean a row without a handler).
        foreach (var entry in IamActionCatalog.Entries)
        {
            try
            {
                await host.Api.ExecuteAsync(entry.Name, Params(entry.Name), host.AdminCaller, "req-1");
            }
            catch (Irsa.Core.Aws.AwsErrorException error)
            {
                Assert.NotEqual("InvalidAction", error.Error.Code);
            }
        }

        Assert.All(IamActionCatalog.Entries, e => Assert.Equal("iam:" + e.Name, e.PolicyAction));
        Assert.True(IamActionCatalog.Find("GetRole")!.ReadOnly);
        Assert.False(IamActionCatalog.Find("CreateRole")!.ReadOnly);
        Assert.Null(IamActionCatalog.Find("GetUser"));
    }

    [Fact]
    public async Task Catalog_resources_use_stored_paths_and_star_for_lists()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host, "app", "/irsa/");

        var role = await host.Catalog.ResolveResourceAsync("GetRole", Params("GetRole", ("RoleName", "APP")), AccountId);
        var create = await host.Catalog.ResolveResourceAsync("CreateRole", Params("CreateRole", ("RoleName", "new"), ("Path", "/p/")), AccountId);
        var list = await host.Catalog.ResolveResourceAsync("ListRoles", Params("ListRoles"), AccountId);
        var provider = await host.Catalog.ResolveResourceAsync("CreateOpenIDConnectProvider", Params("x", ("Url", "https://Issuer.example.com/a")), AccountId);
        var policy = await host.Catalog.ResolveResourceAsync("CreatePolicy", Params("x", ("PolicyName", "p"), ("Path", "/t/")), AccountId);

        Assert.Equal("arn:aws:iam::123456789012:role/irsa/app", role);
        Assert.Equal("arn:aws:iam::123456789012:role/p/new", create);
        Assert.Equal("*", list);
        Assert.Equal("arn:aws:iam::123456789012:oidc-provider/issuer.example.com/a", provider);
        Assert.Equal("arn:aws:iam::123456789012:policy/t/p", policy);
    }

    [Fact]
    public async Task Targets_name_the_stored_resource_and_carry_the_condition_keys_AWS_supplies()
    {
        await using var host = await StartAsync();
        await host.CallAsync("CreateOpenIDConnectProvider", ("Url", "https://" + Docs.Issuer), ("Tags.member.1.Key", "env"), ("Tags.member.1.Value", "prod"));
        await RoleTests.CreateRoleAsync(host, "app", "/", ("Tags.member.1.Key", "protected"), ("Tags.member.1.Value", "true"));

        var provider = await host.Catalog.ResolveAsync(IamActionCatalog.Find("DeleteOpenIDConnectProvider")!,
            Params("x", ("OpenIDConnectProviderArn", Docs.ProviderArn.Replace("oidc.example.com", "OIDC.Example.COM", StringComparison.Ordinal))), AccountId);
        var attach = await host.Catalog.ResolveAsync(IamActionCatalog.Find("AttachRolePolicy")!,
            Params("x", ("RoleName", "APP"), ("PolicyArn", "arn:aws:iam::123456789012:policy/p")), AccountId);
        var create = await host.Catalog.ResolveAsync(IamActionCatalog.Find("CreateRole")!,
            Params("x", ("RoleName", "n"), ("PermissionsBoundary", "arn:aws:iam::123456789012:policy/b"), ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "core")), AccountId);

        Assert.Equal(Docs.ProviderArn, provider.ResourceArn);
        Assert.Equal("prod", Assert.Single(provider.ConditionKeys["aws:ResourceTag/env"].Values));
        Assert.Equal("arn:aws:iam::123456789012:role/app", attach.ResourceArn);
        Assert.Equal("true", Assert.Single(attach.ConditionKeys["iam:ResourceTag/protected"].Values));
        Assert.Equal("arn:aws:iam::123456789012:policy/p", Assert.Single(attach.ConditionKeys["iam:PolicyARN"].Values));
        Assert.Equal("core", Assert.Single(create.ConditionKeys["aws:RequestTag/team"].Values));
        Assert.Equal("team", Assert.Single(create.ConditionKeys["aws:TagKeys"].Values));
        Assert.Equal("arn:aws:iam::123456789012:policy/b", Assert.Single(create.ConditionKeys["iam:PermissionsBoundary"].Values));
    }

    [Fact]
    public async Task Unknown_actions_are_InvalidAction()
    {
        await using var host = await StartAsync();

        var error = await host.FailAsync("GetUser");

        Assert.Equal("InvalidAction", error.Code);
        Assert.Equal(400, error.StatusCode);
        Assert.Null(await AuthorizeAsync(host, host.AdminCaller, "GetUser", Params("GetUser")));
    }

    [Fact]
    public async Task Accounts_are_isolated()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("CreatePolicy", ("PolicyName", "p"), ("PolicyDocument", Docs.S3Read));
        var other = await new Irsa.Iam.Accounts.IamBootstrap(host.Store, host.Protector, host.Time).EnsureAccountAsync("210987654321");
        var otherAdmin = (await new Irsa.Iam.Accounts.AccessKeys(host.Store, host.Protector).FindAsync(other.AccessKeyId))!.ToCallerIdentity();

        var roles = Result(await host.CallAsAsync(otherAdmin, "ListRoles"), "ListRoles");
        var providers = Result(await host.CallAsAsync(otherAdmin, "ListOpenIDConnectProviders"), "ListOpenIDConnectProviders");
        var getRole = await host.FailAsAsync(otherAdmin, "GetRole", ("RoleName", "app"));
        var getProvider = await host.FailAsAsync(otherAdmin, "GetOpenIDConnectProvider", ("OpenIDConnectProviderArn", Docs.ProviderArn));
        var getPolicy = await host.FailAsAsync(otherAdmin, "GetPolicy", ("PolicyArn", "arn:aws:iam::123456789012:policy/p"));
        var attach = await host.FailAsAsync(otherAdmin, "AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", "arn:aws:iam::123456789012:policy/p"));
        // The same issuer can be registered in each account; each account's roles trust their own provider ARN.
        await host.CallAsAsync(otherAdmin, "CreateOpenIDConnectProvider", ("Url", "https://" + Docs.Issuer));
        await host.CallAsAsync(otherAdmin, "CreateRole", ("RoleName", "app"), ("AssumeRolePolicyDocument",
            Docs.IrsaTrust.Replace("123456789012", "210987654321", StringComparison.Ordinal)));

        Assert.Equal("210987654321", otherAdmin.AccountId);
        Assert.Empty(roles.Element(Ns + "Roles")!.Elements());
        Assert.Empty(providers.Element(Ns + "OpenIDConnectProviderList")!.Elements());
        Assert.Equal("NoSuchEntity", getRole.Code);
        Assert.Equal("NoSuchEntity", getProvider.Code);
        Assert.Equal("NoSuchEntity", getPolicy.Code);
        Assert.Equal("NoSuchEntity", attach.Code);
        Assert.Equal("arn:aws:iam::123456789012:role/app", (await host.Queries.GetRoleByArnAsync("arn:aws:iam::123456789012:role/app"))!.Arn);
        Assert.Equal("arn:aws:iam::210987654321:role/app", (await host.Queries.GetRoleByArnAsync("arn:aws:iam::210987654321:role/app"))!.Arn);
    }
}
