namespace Irsa.Policy.Tests.Evaluation;

public sealed class TrustPolicyTests
{
    private const string Host = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE";
    private const string ProviderArn = "arn:aws:iam::111122223333:oidc-provider/" + Host;
    private const string RoleArn = "arn:aws:iam::111122223333:role/irsa";
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static PolicyEntry Trust(string condition, string provider = ProviderArn, string action = "sts:AssumeRoleWithWebIdentity") =>
        TestPolicy.Entry(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" + provider
                + "\"},\"Action\":\"" + action + "\",\"Condition\":" + condition + "}]}",
            PolicyKind.Trust,
            "trust",
            PolicySourceType.Resource);

    private static PolicyEntry PinnedTrust { get; } = Trust(
        "{\"StringEquals\":{\"" + Host + ":sub\":\"system:serviceaccount:payments:api\",\"" + Host + ":aud\":\"sts.amazonaws.com\"}}");

    private static RequestContext Request(
        string sub,
        string aud = "sts.amazonaws.com",
        string provider = ProviderArn,
        string action = WebIdentityContext.AssumeRoleWithWebIdentity,
        IReadOnlyDictionary<string, string>? tags = null,
        IReadOnlyList<string>? amr = null) =>
        WebIdentityContext.CreateBuilder(
            RoleArn,
            provider,
            "https://" + Host,
            new WebIdentityClaims { Subject = sub, Audience = aud, PrincipalTags = tags, AuthenticationMethods = amr },
            Now,
            roleSessionName: "botocore-session-1",
            action: action).Build();

    private static bool Allowed(PolicyEntry trust, RequestContext context) =>
        PolicyEvaluator.Evaluate(AuthorizationRequest.ForTrustPolicy(context, trust)).IsAllowed;

    public static TheoryData<string, string, string, bool> PinnedSubCases => new()
    {
        { "ExactServiceAccount", "system:serviceaccount:payments:api", "sts.amazonaws.com", true },
        { "OtherServiceAccountSameNamespace", "system:serviceaccount:payments:worker", "sts.amazonaws.com", false },
        { "SameNameOtherNamespace", "system:serviceaccount:default:api", "sts.amazonaws.com", false },
        { "CaseDiffers", "system:serviceaccount:Payments:api", "sts.amazonaws.com", false },
        { "WrongAudience", "system:serviceaccount:payments:api", "other", false },
        { "StarIsNotAWildcardUnderStringEquals", "system:serviceaccount:payments:*", "sts.amazonaws.com", false },
    };

    [Theory]
    [MemberData(nameof(PinnedSubCases))]
    public void Pinned_sub_allows_only_that_service_account(string name, string sub, string aud, bool expected) =>
        Assert.True(expected == Allowed(PinnedTrust, Request(sub, aud)), name);

    public static TheoryData<string, string, string, bool> StringLikeCases => new()
    {
        { "NamespaceWildcard_Matches", "system:serviceaccount:payments:*", "system:serviceaccount:payments:api", true },
        { "NamespaceWildcard_OtherNamespace", "system:serviceaccount:payments:*", "system:serviceaccount:billing:api", false },

        // The trap: "payments*" also admits a namespace called "payments-evil".
        { "PrefixWildcard_AdmitsLookalikeNamespace", "system:serviceaccount:payments*", "system:serviceaccount:payments-evil:api", true },

        // StringLike's * crosses ':' so a bare "*" suffix covers every namespace.
        { "StarCrossesColon", "system:serviceaccount:*", "system:serviceaccount:any:thing", true },
        { "QuestionMatchesOneChar", "system:serviceaccount:ns?:api", "system:serviceaccount:ns1:api", true },
        { "QuestionNeedsAChar", "system:serviceaccount:ns?:api", "system:serviceaccount:ns:api", false },
    };

    [Theory]
    [MemberData(nameof(StringLikeCases))]
    public void StringLike_on_sub(string name, string pattern, string sub, bool expected)
    {
        var trust = Trust("{\"StringLike\":{\"" + Host + ":sub\":\"" + pattern + "\"}}");
        Assert.True(expected == Allowed(trust, Request(sub)), name);
    }

    [Fact]
    public void Other_provider_is_not_trusted_even_with_matching_claims()
    {
        var other = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/OTHER";
        Assert.False(Allowed(PinnedTrust, Request("system:serviceaccount:payments:api", provider: other)));
    }

    [Fact]
    public void Federated_principal_match_is_case_sensitive()
    {
        var upper = ProviderArn.Replace("EXAMPLE", "example", StringComparison.Ordinal);
        Assert.False(Allowed(PinnedTrust, Request("system:serviceaccount:payments:api", provider: upper)));
    }

    [Fact]
    public void Trust_for_other_action_does_not_allow_web_identity()
    {
        var trust = Trust("{}", action: "sts:AssumeRole");
        Assert.False(Allowed(trust, Request("system:serviceaccount:payments:api")));
    }

    [Fact]
    public void Deny_statement_in_trust_policy_wins()
    {
        var trust = TestPolicy.Entry(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" + ProviderArn
            + "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"},{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"sts:*\",\"Condition\":{\"StringLike\":{\""
            + Host + ":sub\":\"system:serviceaccount:kube-system:*\"}}}]}",
            PolicyKind.Trust);
        Assert.True(Allowed(trust, Request("system:serviceaccount:payments:api")));
        var denied = PolicyEvaluator.Evaluate(AuthorizationRequest.ForTrustPolicy(Request("system:serviceaccount:kube-system:x"), trust));
        Assert.Equal(PolicyDecision.ExplicitDeny, denied.Decision);
    }

    [Fact]
    public void Identity_policy_alone_never_satisfies_a_trust_policy()
    {
        var caller = RequestContext.CreateBuilder("sts:AssumeRole", RoleArn).WithPrincipal(TestPolicy.Session).Build();
        var trust = TestPolicy.Entry(
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/someone-else\"},\"Action\":\"sts:AssumeRole\"}}",
            PolicyKind.Trust);
        var identity = TestPolicy.Entry("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}}");
        var result = PolicyEvaluator.Evaluate(new AuthorizationRequest(caller) { IdentityPolicies = [identity], ResourcePolicy = trust, ResourceAccount = "111122223333" });
        Assert.Equal(PolicyDecision.ImplicitDeny, result.Decision);
    }

    [Fact]
    public void Trust_naming_account_needs_caller_identity_allow()
    {
        var caller = RequestContext.CreateBuilder("sts:AssumeRole", RoleArn).WithPrincipal(TestPolicy.Session).Build();
        var trust = TestPolicy.Entry(
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\"}}",
            PolicyKind.Trust);
        var identity = TestPolicy.Entry("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}}");
        var request = new AuthorizationRequest(caller) { ResourcePolicy = trust, ResourceAccount = "111122223333" };
        Assert.False(PolicyEvaluator.Evaluate(request).IsAllowed);
        Assert.True(PolicyEvaluator.Evaluate(request with { IdentityPolicies = [identity] }).IsAllowed);
    }

    [Fact]
    public void Context_builder_exposes_documented_keys()
    {
        var context = Request("system:serviceaccount:payments:api", tags: new Dictionary<string, string> { ["team"] = "payments" }, amr: ["authenticated"]);
        Assert.True(context.TryGetSingleValue(Host + ":sub", out var sub));
        Assert.Equal("system:serviceaccount:payments:api", sub);
        Assert.True(context.TryGetSingleValue("aws:FederatedProvider", out var provider));
        Assert.Equal(ProviderArn, provider);
        Assert.True(context.TryGetSingleValue("sts:RoleSessionName", out _));
        Assert.True(context.TryGetSingleValue("aws:requesttag/TEAM", out var team));
        Assert.Equal("payments", team);
        Assert.True(context.TryGetValue("aws:TagKeys", out var keys) && keys.IsMultiValued);
        Assert.True(context.TryGetValue(Host + ":amr", out var amrValue) && amrValue.IsMultiValued);
        Assert.True(context.TryGetSingleValue("aws:CurrentTime", out var time));
        Assert.Equal("2025-06-01T12:00:00Z", time);
        Assert.Equal(RoleArn, context.Resource);
    }

    [Fact]
    public void Conditions_on_session_name_provider_and_tags()
    {
        var trust = Trust(
            "{\"StringLike\":{\"sts:RoleSessionName\":\"botocore-*\"},\"ArnLike\":{\"aws:FederatedProvider\":\"arn:aws:iam::*:oidc-provider/oidc.eks.*\"},"
            + "\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"team\"]},\"StringEquals\":{\"aws:RequestTag/team\":\"payments\"}}",
            action: "sts:TagSession");
        var tags = new Dictionary<string, string> { ["team"] = "payments" };
        Assert.True(Allowed(trust, Request("system:serviceaccount:payments:api", action: "sts:TagSession", tags: tags)));
        var otherTags = new Dictionary<string, string> { ["team"] = "payments", ["admin"] = "true" };
        Assert.False(Allowed(trust, Request("system:serviceaccount:payments:api", action: "sts:TagSession", tags: otherTags)));
    }

    [Fact]
    public void Cognito_amr_with_ForAnyValue()
    {
        var trust = Trust(
            "{\"StringEquals\":{\"cognito-identity.amazonaws.com:aud\":\"pool\"},\"ForAnyValue:StringLike\":{\"cognito-identity.amazonaws.com:amr\":\"authenticated\"}}",
            provider: "cognito-identity.amazonaws.com");
        RequestContext Cognito(params string[] amr) => WebIdentityContext.CreateBuilder(
            RoleArn, "cognito-identity.amazonaws.com", "cognito-identity.amazonaws.com",
            new WebIdentityClaims { Subject = "us-east-1:abc", Audience = "pool", AuthenticationMethods = amr }, Now).Build();
        Assert.True(Allowed(trust, Cognito("authenticated", "graph.facebook.com")));
        Assert.False(Allowed(trust, Cognito("unauthenticated")));
    }
}
