using Irsa.Iam.Authorization;
using Irsa.Iam.Tests.Roles;
using Irsa.Iam.Tests.TestSupport;
using Irsa.Policy;
using static Irsa.Iam.Tests.TestSupport.IamTestHost;

namespace Irsa.Iam.Tests.Authorization;

public sealed class DenialExplanationTests
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/app";

    private const string ConditionalIam = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "TeamOnly",
              "Effect": "Allow",
              "Action": "iam:*",
              "Resource": "*",
              "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["platform", "security"]}}
            }
          ]
        }
        """;

    private static async Task<CallerIdentity> SessionAsync(IamTestHost host, CallerSession? session = null)
    {
        var role = await host.Queries.GetRoleByArnAsync(RoleArn);
        Assert.NotNull(role);
        return CallerIdentity.ForRoleSession(AccountId, role.Arn, role.RoleName, role.RoleId, "sess", session ?? CallerSession.Empty);
    }

    private static async Task<AuthorizationOutcome> AuthorizeCreateRoleAsync(IamTestHost host, CallerIdentity caller) =>
        await host.Authorizer.AuthorizeAsync(caller, "iam:CreateRole",
            (await host.Catalog.ResolveAsync(IamActionCatalog.Find("CreateRole")!, Params("CreateRole", ("RoleName", "X")), caller.AccountId)).ResourceArn);

    [Fact]
    public async Task Allowed_calls_carry_no_explanation()
    {
        await using var host = await StartAsync();

        var outcome = await AuthorizeCreateRoleAsync(host, host.AdminCaller);

        Assert.True(outcome.IsAllowed);
        Assert.Null(outcome.Explanation);
    }

    [Fact]
    public async Task Explicit_deny_names_the_statement_its_policy_and_quotes_it()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "allow"), ("PolicyDocument", Docs.AllowIam));
        await host.CallAsync("CreatePolicy", ("PolicyName", "guard"), ("PolicyDocument", Docs.DenyIam));
        await host.CallAsync("AttachRolePolicy", ("RoleName", "app"), ("PolicyArn", "arn:aws:iam::123456789012:policy/guard"));

        var outcome = await AuthorizeCreateRoleAsync(host, await SessionAsync(host));

        var explanation = Assert.IsType<Irsa.Core.Audit.Explanation>(outcome.Explanation);
        Assert.Equal("ExplicitDeny", explanation.Check);
        Assert.Contains("managed policy arn:aws:iam::123456789012:policy/guard", explanation.Summary, StringComparison.Ordinal);
        Assert.Contains("iam:CreateRole", explanation.Summary, StringComparison.Ordinal);
        var excerpt = Assert.Single(explanation.Policies);
        Assert.Equal("managed policy arn:aws:iam::123456789012:policy/guard", excerpt.Source);
        Assert.Equal((1, 1), (excerpt.StartLine, excerpt.EndLine));
        Assert.Equal("""{"Effect":"Deny","Action":"iam:*","Resource":"*"}""", excerpt.Text);
    }

    [Fact]
    public async Task No_allow_lists_the_failed_condition_with_the_values_compared_and_quotes_the_lines()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "team-only"), ("PolicyDocument", ConditionalIam));
        var caller = await SessionAsync(host, CallerSession.Empty with { SessionTags = new Dictionary<string, string> { ["team"] = "payments" } });

        var outcome = await AuthorizeCreateRoleAsync(host, caller);

        var explanation = outcome.Explanation!;
        Assert.Equal("NoAllow", explanation.Check);
        Assert.Equal("No identity-based policy allows iam:CreateRole on arn:aws:iam::123456789012:role/X.", explanation.Summary);
        Assert.Contains("StringEquals aws:PrincipalTag/team: expected one of \"platform\", \"security\", request has \"payments\"", explanation.Details);
        var excerpt = Assert.Single(explanation.Policies);
        Assert.Equal("inline policy team-only of " + RoleArn, excerpt.Source);
        Assert.Equal((4, 10), (excerpt.StartLine, excerpt.EndLine));
        Assert.StartsWith("    {\n      \"Sid\": \"TeamOnly\",", excerpt.Text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.EndsWith("    }", excerpt.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_allow_with_a_resource_mismatch_says_so()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "roles"), ("PolicyDocument",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateRole","Resource":"arn:aws:iam::123456789012:role/team/*"}]}"""));

        var outcome = await AuthorizeCreateRoleAsync(host, await SessionAsync(host));

        Assert.Equal("NoAllow", outcome.Explanation!.Check);
        Assert.Contains(outcome.Explanation.Details, d => d.EndsWith("its resource does not match arn:aws:iam::123456789012:role/X", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_policy_that_cuts_the_role_is_named()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "allow"), ("PolicyDocument", Docs.AllowIam));
        var sessionPolicy = new PolicyEntry("SessionPolicy", PolicySourceType.None, PolicyDocument.ParseValid(Docs.S3Read, PolicyKind.Session));

        var outcome = await AuthorizeCreateRoleAsync(host, await SessionAsync(host, CallerSession.Empty with { SessionPolicies = [sessionPolicy] }));

        var explanation = outcome.Explanation!;
        Assert.Equal("SessionPolicy", explanation.Check);
        Assert.Equal("The role's policies allow iam:CreateRole on arn:aws:iam::123456789012:role/X, but no session policy does.", explanation.Summary);
        var excerpt = Assert.Single(explanation.Policies);
        Assert.Equal("inline session policy", excerpt.Source);
        Assert.Contains("s3:GetObject", excerpt.Text, StringComparison.Ordinal);
        Assert.Contains(explanation.Details, d => d.Contains("its action does not cover iam:CreateRole", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_permissions_boundary_that_cuts_the_role_is_named_by_arn()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "allow"), ("PolicyDocument", Docs.AllowIam));
        await host.CallAsync("CreatePolicy", ("PolicyName", "boundary"), ("PolicyDocument", Docs.S3Read));
        await host.CallAsync("PutRolePermissionsBoundary", ("RoleName", "app"), ("PermissionsBoundary", "arn:aws:iam::123456789012:policy/boundary"));

        var outcome = await AuthorizeCreateRoleAsync(host, await SessionAsync(host));

        var explanation = outcome.Explanation!;
        Assert.Equal("PermissionsBoundary", explanation.Check);
        Assert.Contains("permissions boundary arn:aws:iam::123456789012:policy/boundary", explanation.Summary, StringComparison.Ordinal);
        Assert.Equal("permissions boundary arn:aws:iam::123456789012:policy/boundary", Assert.Single(explanation.Policies).Source);
    }

    [Fact]
    public async Task A_deleted_role_is_explained_as_such()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        var session = await SessionAsync(host);
        await host.CallAsync("DeleteRole", ("RoleName", "app"));

        var outcome = await AuthorizeCreateRoleAsync(host, session);

        Assert.Equal("PrincipalNotFound", outcome.Explanation!.Check);
        Assert.Contains(RoleArn, outcome.Explanation.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explanations_never_carry_the_session_credentials()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "team-only"), ("PolicyDocument", ConditionalIam));
        const string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        const string sessionToken = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";
        var caller = await SessionAsync(host);
        caller = caller with
        {
            // Whatever the host vouches for in the context, the explanation quotes only the keys the policy asks about.
            ContextKeys = new Dictionary<string, ContextValue>(caller.ContextKeys)
            {
                ["x-amz-security-token"] = new(ContextKeyType.String, [sessionToken], false),
                ["x-secret"] = new(ContextKeyType.String, [secret], false),
            },
        };

        var outcome = await AuthorizeCreateRoleAsync(host, caller);

        var text = Flatten(outcome.Explanation!);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(sessionToken, text, StringComparison.Ordinal);
        Assert.Contains("aws:PrincipalTag/team", text, StringComparison.Ordinal);
    }

    internal static string Flatten(Irsa.Core.Audit.Explanation explanation) =>
        string.Join("\n", [explanation.Check, explanation.Summary, .. explanation.Details,
            .. explanation.Policies.SelectMany(p => new[] { p.Source, p.Text })]);
}
