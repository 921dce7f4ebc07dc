namespace Irsa.Policy.Tests.Evaluation;

public sealed class PolicyEvaluatorTests
{
    private const string AllowGet = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}}""";
    private const string AllowS3 = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}""";
    private const string AllowEc2 = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}""";
    private const string DenyGet = """{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}}""";

    private static PolicyEntry Id(string json) => TestPolicy.Entry(json, PolicyKind.Identity, "identity");

    private static PolicyEntry Boundary(string json) => TestPolicy.Entry(json, PolicyKind.PermissionsBoundary, "boundary", PolicySourceType.UserManaged);

    private static PolicyEntry Session(string json) => TestPolicy.Entry(json, PolicyKind.Session, "session", PolicySourceType.None);

    private static PolicyEntry Resource(string principal, string effect = "Allow") => TestPolicy.Entry(
        $"{{\"Version\":\"2012-10-17\",\"Statement\":{{\"Effect\":\"{effect}\",\"Principal\":{principal},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bucket/*\"}}}}",
        PolicyKind.Resource,
        "bucket-policy",
        PolicySourceType.Resource);

    private static RequestContext Get(RequestPrincipal principal) =>
        RequestContext.CreateBuilder("s3:GetObject", "arn:aws:s3:::bucket/key").WithPrincipal(principal).Build();

    [Fact]
    public void No_policy_is_an_implicit_deny()
    {
        var result = PolicyEvaluator.Evaluate(new AuthorizationRequest(Get(TestPolicy.Session)));
        Assert.Equal(PolicyDecision.ImplicitDeny, result.Decision);
        Assert.Empty(result.MatchedStatements);
        Assert.Null(result.AllowedByPermissionsBoundary);
    }

    [Fact]
    public void Identity_allow_allows_and_reports_the_statement()
    {
        var result = PolicyEvaluator.Evaluate(new AuthorizationRequest(Get(TestPolicy.Session)) { IdentityPolicies = [Id(AllowGet)] });
        Assert.Equal(PolicyDecision.Allowed, result.Decision);
        var match = Assert.Single(result.MatchedStatements);
        Assert.Equal("identity", match.PolicyId);
        Assert.Equal(0, match.StatementIndex);
        Assert.Equal(PolicyEffect.Allow, match.Effect);
        Assert.Equal(new SourcePosition(1, 37), match.StartPosition);
    }

    [Fact]
    public void Explicit_deny_wins_over_allow_and_reports_only_denies()
    {
        var result = PolicyEvaluator.Evaluate(new AuthorizationRequest(Get(TestPolicy.Session)) { IdentityPolicies = [Id(AllowS3), Id(DenyGet)] });
        Assert.Equal(PolicyDecision.ExplicitDeny, result.Decision);
        Assert.All(result.MatchedStatements, m => Assert.Equal(PolicyEffect.Deny, m.Effect));
    }

    [Fact]
    public void Identity_policies_combine_with_or()
    {
        var result = PolicyEvaluator.Evaluate(new AuthorizationRequest(Get(TestPolicy.Session)) { IdentityPolicies = [Id(AllowEc2), Id(AllowGet)] });
        Assert.True(result.IsAllowed);
    }

    public static TheoryData<string, string?, string?, PolicyDecision, bool?> BoundaryCases => new()
    {
        { "IdentityAndBoundaryAllow", AllowGet, AllowS3, PolicyDecision.Allowed, true },
        { "BoundaryDoesNotAllow", AllowGet, AllowEc2, PolicyDecision.ImplicitDeny, false },
        { "BoundaryNeverGrants", null, AllowS3, PolicyDecision.ImplicitDeny, true },
        { "BoundaryDenyIsExplicit", AllowGet, DenyGet, PolicyDecision.ExplicitDeny, false },
        { "NoBoundary", AllowGet, null, PolicyDecision.Allowed, null },
    };

    [Theory]
    [MemberData(nameof(BoundaryCases))]
    public void Permissions_boundary_intersects(string name, string? identity, string? boundary, PolicyDecision expected, bool? boundaryVerdict)
    {
        var request = new AuthorizationRequest(Get(TestPolicy.Session))
        {
            IdentityPolicies = identity is null ? [] : [Id(identity)],
            PermissionsBoundary = boundary is null ? null : Boundary(boundary),
        };
        var result = PolicyEvaluator.Evaluate(request);
        Assert.True(expected == result.Decision, $"{name}: {result.Decision}");
        Assert.Equal(boundaryVerdict, result.AllowedByPermissionsBoundary);
    }

    [Fact]
    public void Boundary_verdict_ignores_denies_from_other_policies()
    {
        var request = new AuthorizationRequest(Get(TestPolicy.Session))
        {
            IdentityPolicies = [Id(AllowS3), Id(DenyGet)],
            PermissionsBoundary = Boundary(AllowS3),
        };
        var result = PolicyEvaluator.Evaluate(request);
        Assert.Equal(PolicyDecision.ExplicitDeny, result.Decision);
        Assert.True(result.AllowedByPermissionsBoundary);
    }

    public static TheoryData<string, string[], PolicyDecision> SessionCases => new()
    {
        { "SessionAllows", [AllowGet], PolicyDecision.Allowed },
        { "SessionDoesNotAllow", [AllowEc2], PolicyDecision.ImplicitDeny },
        { "AnySessionPolicySuffices", [AllowEc2, AllowS3], PolicyDecision.Allowed },
        { "SessionDenyIsExplicit", [AllowS3, DenyGet], PolicyDecision.ExplicitDeny },
        { "EmptySessionSetGrantsNothing", [], PolicyDecision.ImplicitDeny },
    };

    [Theory]
    [MemberData(nameof(SessionCases))]
    public void Session_policies_intersect(string name, string[] sessionPolicies, PolicyDecision expected)
    {
        var request = new AuthorizationRequest(Get(TestPolicy.Session))
        {
            IdentityPolicies = [Id(AllowGet)],
            SessionPolicies = sessionPolicies.Select(Session).ToArray(),
        };
        Assert.True(expected == PolicyEvaluator.Evaluate(request).Decision, name);
    }

    [Fact]
    public void Session_policy_cannot_grant_beyond_identity()
    {
        var request = new AuthorizationRequest(Get(TestPolicy.Session)) { IdentityPolicies = [Id(AllowEc2)], SessionPolicies = [Session(AllowS3)] };
        Assert.Equal(PolicyDecision.ImplicitDeny, PolicyEvaluator.Evaluate(request).Decision);
    }

    [Fact]
    public void Federated_user_without_session_policy_has_no_permissions()
    {
        var principal = RequestPrincipal.FederatedUser("arn:aws:sts::111122223333:federated-user/bob", TestPolicy.UserArn);
        var request = new AuthorizationRequest(Get(principal)) { IdentityPolicies = [Id(AllowS3)] };
        Assert.Equal(PolicyDecision.ImplicitDeny, PolicyEvaluator.Evaluate(request).Decision);
        Assert.True(PolicyEvaluator.Evaluate(request with { SessionPolicies = [Session(AllowGet)] }).IsAllowed);
    }

    public static TheoryData<string, string, bool, bool, PolicyDecision> ResourcePolicyCases => new()
    {
        // name, principal element, identity allows, boundary present (allowing ec2 only), expected
        { "SessionArnNamed_BypassesIdentityAndBoundary", $"{{\"AWS\":\"{TestPolicy.SessionArn}\"}}", false, true, PolicyDecision.Allowed },
        { "RoleArnNamed_NoIdentityNeeded", $"{{\"AWS\":\"{TestPolicy.RoleArn}\"}}", false, false, PolicyDecision.Allowed },
        { "RoleArnNamed_BoundaryStillLimits", $"{{\"AWS\":\"{TestPolicy.RoleArn}\"}}", false, true, PolicyDecision.ImplicitDeny },
        { "AccountNamed_NeedsIdentity", $"{{\"AWS\":\"{TestPolicy.Account}\"}}", false, false, PolicyDecision.ImplicitDeny },
        { "AccountNamed_WithIdentity", $"{{\"AWS\":\"arn:aws:iam::{TestPolicy.Account}:root\"}}", true, false, PolicyDecision.Allowed },
        { "OtherPrincipalNamed_IdentityStillAllows", "{\"AWS\":\"arn:aws:iam::111122223333:role/other\"}", true, false, PolicyDecision.Allowed },
        { "OtherPrincipalNamed_NoIdentity", "{\"AWS\":\"arn:aws:iam::111122223333:role/other\"}", false, false, PolicyDecision.ImplicitDeny },
        { "Wildcard_SessionLimitedByBoundary", "\"*\"", false, true, PolicyDecision.ImplicitDeny },
        { "Wildcard_SessionWithoutBoundary", "\"*\"", false, false, PolicyDecision.Allowed },
    };

    [Theory]
    [MemberData(nameof(ResourcePolicyCases))]
    public void Resource_policy_power_depends_on_the_named_principal(string name, string principal, bool identityAllows, bool boundary, PolicyDecision expected)
    {
        var request = new AuthorizationRequest(Get(TestPolicy.Session))
        {
            IdentityPolicies = identityAllows ? [Id(AllowGet)] : [],
            PermissionsBoundary = boundary ? Boundary(AllowEc2) : null,
            ResourcePolicy = Resource(principal),
            ResourceAccount = TestPolicy.Account,
        };
        var decision = PolicyEvaluator.Evaluate(request).Decision;
        Assert.True(expected == decision, $"{name}: {decision}");
    }

    [Fact]
    public void Session_arn_named_bypasses_session_policy_but_role_arn_does_not()
    {
        var bySession = new AuthorizationRequest(Get(TestPolicy.Session)) { ResourcePolicy = Resource($"{{\"AWS\":\"{TestPolicy.SessionArn}\"}}"), SessionPolicies = [Session(AllowEc2)] };
        Assert.True(PolicyEvaluator.Evaluate(bySession).IsAllowed);
        var byRole = bySession with { ResourcePolicy = Resource($"{{\"AWS\":\"{TestPolicy.RoleArn}\"}}") };
        Assert.False(PolicyEvaluator.Evaluate(byRole).IsAllowed);
    }

    [Fact]
    public void User_arn_named_allows_without_identity_policy()
    {
        var request = new AuthorizationRequest(Get(RequestPrincipal.User(TestPolicy.UserArn))) { ResourcePolicy = Resource($"{{\"AWS\":\"{TestPolicy.UserArn}\"}}") };
        Assert.True(PolicyEvaluator.Evaluate(request).IsAllowed);
    }

    [Fact]
    public void Resource_policy_deny_wins()
    {
        var request = new AuthorizationRequest(Get(TestPolicy.Session)) { IdentityPolicies = [Id(AllowS3)], ResourcePolicy = Resource("\"*\"", "Deny") };
        var result = PolicyEvaluator.Evaluate(request);
        Assert.Equal(PolicyDecision.ExplicitDeny, result.Decision);
        Assert.Equal("bucket-policy", Assert.Single(result.MatchedStatements).PolicyId);
    }

    public static TheoryData<string, bool, bool, PolicyDecision> CrossAccountCases => new()
    {
        { "BothSidesAllow", true, true, PolicyDecision.Allowed },
        { "OnlyIdentity", true, false, PolicyDecision.ImplicitDeny },
        { "OnlyResourcePolicy", false, true, PolicyDecision.ImplicitDeny },
    };

    [Theory]
    [MemberData(nameof(CrossAccountCases))]
    public void Cross_account_needs_both_sides(string name, bool identity, bool resource, PolicyDecision expected)
    {
        var request = new AuthorizationRequest(Get(TestPolicy.Session))
        {
            IdentityPolicies = identity ? [Id(AllowGet)] : [],
            ResourcePolicy = resource ? Resource($"{{\"AWS\":\"{TestPolicy.SessionArn}\"}}") : null,
            ResourceAccount = TestPolicy.OtherAccount,
        };
        Assert.True(expected == PolicyEvaluator.Evaluate(request).Decision, name);
    }

    [Fact]
    public void Anonymous_is_allowed_only_by_a_wildcard_resource_policy()
    {
        var anonymous = Get(RequestPrincipal.Anonymous);
        Assert.True(PolicyEvaluator.Evaluate(new AuthorizationRequest(anonymous) { ResourcePolicy = Resource("{\"AWS\":\"*\"}") }).IsAllowed);
        Assert.False(PolicyEvaluator.Evaluate(new AuthorizationRequest(anonymous) { ResourcePolicy = Resource($"{{\"AWS\":\"{TestPolicy.Account}\"}}") }).IsAllowed);
        Assert.False(PolicyEvaluator.Evaluate(new AuthorizationRequest(anonymous) { IdentityPolicies = [Id(AllowS3)] }).IsAllowed);
    }

    [Fact]
    public void Service_principal_is_allowed_only_by_resource_policy()
    {
        var service = Get(RequestPrincipal.Service("cloudtrail.amazonaws.com"));
        Assert.True(PolicyEvaluator.Evaluate(new AuthorizationRequest(service) { ResourcePolicy = Resource("{\"Service\":\"cloudtrail.amazonaws.com\"}") }).IsAllowed);
        Assert.False(PolicyEvaluator.Evaluate(new AuthorizationRequest(service) { ResourcePolicy = Resource("{\"Service\":\"s3.amazonaws.com\"}") }).IsAllowed);
    }

    [Fact]
    public void Root_is_allowed_in_its_account_unless_denied()
    {
        var root = Get(RequestPrincipal.Root(TestPolicy.Account));
        Assert.True(PolicyEvaluator.Evaluate(new AuthorizationRequest(root) { ResourceAccount = TestPolicy.Account }).IsAllowed);
        Assert.Equal(PolicyDecision.ExplicitDeny, PolicyEvaluator.Evaluate(new AuthorizationRequest(root) { ResourcePolicy = Resource("\"*\"", "Deny") }).Decision);
    }

    public static TheoryData<string, string, bool, PolicyDecision> NotPrincipalCases => new()
    {
        // Deny + NotPrincipal in a resource policy; identity allows s3:*.
        { "AccountRoleAndSessionListed_NotDenied", $"[\"arn:aws:iam::{TestPolicy.Account}:root\",\"{TestPolicy.RoleArn}\",\"{TestPolicy.SessionArn}\"]", false, PolicyDecision.Allowed },
        { "OnlySessionListed_DeniedViaAccount", $"\"{TestPolicy.SessionArn}\"", false, PolicyDecision.ExplicitDeny },
        { "OtherPrincipalListed_Denied", "\"arn:aws:iam::111122223333:role/other\"", false, PolicyDecision.ExplicitDeny },
        { "CallerWithBoundaryAlwaysDenied", $"[\"arn:aws:iam::{TestPolicy.Account}:root\",\"{TestPolicy.RoleArn}\",\"{TestPolicy.SessionArn}\"]", true, PolicyDecision.ExplicitDeny },
    };

    [Theory]
    [MemberData(nameof(NotPrincipalCases))]
    public void Deny_with_NotPrincipal(string name, string listed, bool boundary, PolicyDecision expected)
    {
        var resource = TestPolicy.Entry(
            $"{{\"Version\":\"2012-10-17\",\"Statement\":{{\"Effect\":\"Deny\",\"NotPrincipal\":{{\"AWS\":{listed}}},\"Action\":\"s3:*\",\"Resource\":\"*\"}}}}",
            PolicyKind.Resource);
        var request = new AuthorizationRequest(Get(TestPolicy.Session))
        {
            IdentityPolicies = [Id(AllowS3)],
            PermissionsBoundary = boundary ? Boundary(AllowS3) : null,
            ResourcePolicy = resource,
        };
        var decision = PolicyEvaluator.Evaluate(request).Decision;
        Assert.True(expected == decision, $"{name}: {decision}");
    }

    [Fact]
    public void Missing_context_keys_are_reported_once_each()
    {
        var policy = TestPolicy.WithCondition("""{"StringEquals":{"aws:SourceVpc":"v","AWS:SOURCEVPC":"v"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}""");
        var result = TestPolicy.EvaluateIdentity(policy, TestPolicy.Context());
        Assert.False(result.IsAllowed);
        Assert.Equal(2, result.MissingContextKeys.Count);
        Assert.Contains("aws:MultiFactorAuthPresent", result.MissingContextKeys);
    }

    [Fact]
    public void Missing_keys_are_not_reported_for_statements_whose_action_does_not_match()
    {
        var policy = TestPolicy.WithCondition("""{"StringEquals":{"aws:SourceVpc":"v"}}""");
        var result = TestPolicy.EvaluateIdentity(policy, TestPolicy.ContextFor("ec2:RunInstances", "*"));
        Assert.Empty(result.MissingContextKeys);
    }

    [Fact]
    public void Policy_documents_are_reusable_across_threads()
    {
        var policy = Id(AllowGet);
        var results = Enumerable.Range(0, 64).AsParallel().Select(i =>
            PolicyEvaluator.Evaluate(new AuthorizationRequest(TestPolicy.ContextFor("s3:GetObject", i % 2 == 0 ? "arn:aws:s3:::bucket/k" : "arn:aws:s3:::other/k"))
            { IdentityPolicies = [policy] }).IsAllowed).ToArray();
        Assert.Equal(32, results.Count(r => r));
    }
}
