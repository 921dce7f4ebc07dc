namespace Irsa.Policy.Tests.Parsing;

public sealed class PolicyValidationTests
{
    private const string V = "\"Version\":\"2012-10-17\"";

    private static string Doc(string statement) => "{" + V + ",\"Statement\":" + statement + "}";

    public static TheoryData<string, PolicyKind, string, string> Invalid => new()
    {
        // Syntax
        { "NotJson", PolicyKind.Identity, "{", PolicyMessages.SyntaxErrors },
        { "TrustNotJson", PolicyKind.Trust, "{\"Version\":", PolicyMessages.InvalidJson },
        { "ExtraTopLevelField", PolicyKind.Identity, "{" + V + ",\"Extra field\":\"x\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", PolicyMessages.SyntaxErrors },
        { "LowercaseStatementKey", PolicyKind.Identity, "{" + V + ",\"statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", PolicyMessages.SyntaxErrors },
        { "BadVersion", PolicyKind.Identity, "{\"Version\":\"2012-10-18\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", PolicyMessages.SyntaxErrors },
        { "IdArray", PolicyKind.Identity, "{" + V + ",\"Id\":[],\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", PolicyMessages.SyntaxErrors },
        { "StatementMissing", PolicyKind.Identity, "{" + V + "}", PolicyMessages.SyntaxErrors },
        { "StatementEmptyArray", PolicyKind.Identity, Doc("[]"), PolicyMessages.SyntaxErrors },
        { "StatementNotObject", PolicyKind.Identity, Doc("[\"afd\"]"), PolicyMessages.SyntaxErrors },
        { "DuplicateKey", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyMessages.SyntaxErrors },
        { "UnknownStatementKey", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Extra\":1}"), PolicyMessages.SyntaxErrors },
        { "EffectRandom", PolicyKind.Identity, Doc("{\"Effect\":\"Maybe\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyMessages.SyntaxErrors },
        { "EffectMissing", PolicyKind.Identity, Doc("{\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyMessages.SyntaxErrors },
        { "ActionAndNotAction", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}"), PolicyMessages.SyntaxErrors },
        { "ResourceAndNotResource", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"NotResource\":\"*\"}"), PolicyMessages.SyntaxErrors },
        { "ActionObject", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":{},\"Resource\":\"*\"}"), PolicyMessages.SyntaxErrors },
        { "ActionNestedArray", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":[[]],\"Resource\":\"*\"}"), PolicyMessages.SyntaxErrors },
        { "ResourceMixedArray", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\"x\",{}]}"), PolicyMessages.SyntaxErrors },
        { "ConditionNotObject", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":[]}"), PolicyMessages.SyntaxErrors },
        { "ConditionNestedObjectValue", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"k\":{\"a\":1}}}}"), PolicyMessages.SyntaxErrors },
        { "ConditionUnknownOperator", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringEqualz\":{\"k\":\"v\"}}}"), PolicyMessages.SyntaxErrors },
        { "ConditionOperatorWrongCase", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"stringequals\":{\"k\":\"v\"}}}"), PolicyMessages.SyntaxErrors },
        { "ConditionDoubleColonQualifier", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"ForAnyValue::StringEqualsIfExists\":{\"k\":\"v\"}}}"), PolicyMessages.SyntaxErrors },
        { "NullIfExists", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"NullIfExists\":{\"k\":\"true\"}}}"), PolicyMessages.SyntaxErrors },
        { "PrincipalStringNotStar", PolicyKind.Resource, Doc("{\"Effect\":\"Allow\",\"Principal\":\"bob\",\"Action\":\"s3:*\"}"), PolicyMessages.SyntaxErrors },
        { "PrincipalUnknownKey", PolicyKind.Resource, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"Aws\":\"*\"},\"Action\":\"s3:*\"}"), PolicyMessages.SyntaxErrors },

        // Kind rules
        { "IdentityWithPrincipal", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyMessages.PrincipalNotAllowed },
        { "SessionWithPrincipal", PolicyKind.Session, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyMessages.PrincipalNotAllowed },
        { "TrustWithResource", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}"), PolicyMessages.ProhibitedResource },
        { "TrustWithoutPrincipal", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\"}"), PolicyMessages.MissingPrincipal },
        { "TrustWithoutEffect", PolicyKind.Trust, Doc("{\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\"}"), PolicyMessages.MissingEffect },
        { "TrustWithoutAction", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Principal\":\"*\"}"), PolicyMessages.MissingAction },
        { "TrustAllowNotPrincipal", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\"}"), PolicyMessages.AllowWithNotPrincipal },
        { "TrustDenyNotPrincipal", PolicyKind.Trust, Doc("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\"}"), PolicyMessages.TrustNotPrincipal },
        { "ResourcePolicyWithoutPrincipal", PolicyKind.Resource, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}"), PolicyMessages.MissingPrincipal },

        // Version
        { "ManagedWithoutVersion", PolicyKind.ManagedIdentity, "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", PolicyMessages.VersionRequired },
        { "Managed2008", PolicyKind.ManagedIdentity, "{\"Version\":\"2008-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", PolicyMessages.VersionRequired },
        { "BoundaryWithoutVersion", PolicyKind.PermissionsBoundary, "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", PolicyMessages.VersionRequired },
        { "VersionBeatsLegacyParsing", PolicyKind.ManagedIdentity, "{\"Statement\":{\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", PolicyMessages.VersionRequired },

        // Legacy parsing
        { "EffectWrongCase", PolicyKind.Identity, Doc("{\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyMessages.LegacyParsing },
        { "EffectMixedCase", PolicyKind.Identity, Doc("{\"Effect\":\"denY\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyMessages.LegacyParsing },
        { "BadDate", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":\"sdfdsf\"}}}"), PolicyMessages.LegacyParsing },
        { "BadDateMonth", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":\"234-13\"}}}"), PolicyMessages.LegacyParsing },
        { "BadDateShortHour", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2016-12-13t2:00:00.593194+1\"}}}"), PolicyMessages.LegacyParsing },
        { "ShortArnWithDoubleColon", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3::example_bucket\"}"), PolicyMessages.LegacyParsing },
        { "LegacyBeatsSid", PolicyKind.Identity, Doc("[{\"Sid\":\"a\",\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},{\"Sid\":\"a\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]"), PolicyMessages.LegacyParsing },

        // Sid
        { "SidNotAlphanumeric", PolicyKind.Identity, Doc("{\"Sid\":\"a-b\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyMessages.SidNotAlphanumeric },
        { "SidDuplicate", PolicyKind.Identity, Doc("[{\"Sid\":\"a\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},{\"Sid\":\"a\",\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]"), PolicyMessages.SidNotUnique },
        { "SidBeatsMissingActions", PolicyKind.Identity, Doc("[{\"Sid\":\"a\",\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Sid\":\"a\",\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]"), PolicyMessages.SidNotUnique },

        // Actions and resources present
        { "NoAction", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Resource\":\"*\"}"), PolicyMessages.MissingActions },
        { "EmptyActionArray", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}"), PolicyMessages.MissingActions },
        { "MissingActionsBeatsResources", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\"}"), PolicyMessages.MissingActions },
        { "NoResource", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}"), PolicyMessages.MissingResources },
        { "EmptyResourceArray", PolicyKind.Session, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[]}"), PolicyMessages.MissingResources },

        // Resource format
        { "ResourceNotArn", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"adf\"}"), "Resource adf must be in ARN format or \"*\"." },
        { "ResourceEmpty", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"\"}"), "Resource  must be in ARN format or \"*\"." },
        { "ResourceBadPartition", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:error:s3:::example_bucket\"}"), "Partition \"error\" is not valid for resource \"arn:error:s3:*:*:example_bucket\"." },
        { "ResourceVendorMissing", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws\"}"), PolicyMessages.ResourceVendor },
        { "IamResourceWithRegion", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:iam:us-east-1::x\"}"), "IAM resource arn:aws:iam:us-east-1::x cannot contain region information." },
        { "S3ResourceWithRegion", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:us-east-1::x\"}"), "Resource arn:aws:s3:us-east-1::x can not contain region information." },
        { "IamResourceBadPath", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:iam::111122223333:bogus/x\"}"), "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/." },
        { "ResourceFormatBeatsActionFormat", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"invalid\",\"Resource\":\"adf\"}"), "Resource adf must be in ARN format or \"*\"." },

        // Action format
        { "ActionWithoutVendor", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"invalid\",\"Resource\":\"*\"}"), PolicyMessages.ActionNeedsVendor },
        { "ActionEmpty", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"\",\"Resource\":\"*\"}"), PolicyMessages.ActionNeedsVendor },
        { "ActionTwoColons", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:a:b\",\"Resource\":\"*\"}"), PolicyMessages.ActionOneColon },
        { "ActionBadVendor", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"a a:ListBucket\",\"Resource\":\"*\"}"), "Vendor a a is not valid" },
        { "TrustNonStsAction", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"s3:GetObject\"}"), PolicyMessages.TrustActionsOnly },
        { "TrustStsWildcardCoveringNothing", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:Get*\"}"), PolicyMessages.TrustActionsOnly },

        // Principals
        { "PrincipalPartialWildcard", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/*\"},\"Action\":\"sts:AssumeRole\"}"), "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:role/*\"" },
        { "PrincipalNotArn", PolicyKind.Resource, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"bob\"},\"Action\":\"s3:*\"}"), "Invalid principal in policy: \"AWS\":\"bob\"" },
        { "FederatedGarbage", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"not a domain\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"}"), PolicyMessages.FederatedPrincipalInvalid },
        { "CognitoWithoutCondition", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"cognito-identity.amazonaws.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"}"), PolicyMessages.CognitoNeedsCondition },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_documents_are_rejected_with_the_AWS_message(string name, PolicyKind kind, string json, string expected)
    {
        var result = PolicyDocument.Parse(json, kind);
        Assert.False(result.IsValid, name);
        Assert.Equal(expected, result.Error.Message);
    }

    public static TheoryData<string, PolicyKind, string> Valid => new()
    {
        { "Minimal", PolicyKind.ManagedIdentity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}") },
        { "StatementArray", PolicyKind.Identity, Doc("[{\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\",\"s3:List*\"],\"Resource\":[\"arn:aws:s3:::b\",\"arn:aws:s3:::b/*\"]}]") },
        { "InlineWithoutVersion", PolicyKind.Identity, "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}" },
        { "Trust2008", PolicyKind.Trust, "{\"Version\":\"2008-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}}" },
        { "StringId", PolicyKind.Identity, "{" + V + ",\"Id\":\"x\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}" },
        { "EmptySid", PolicyKind.Identity, Doc("{\"Sid\":\"\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}") },
        { "TwoEmptySids", PolicyKind.Identity, Doc("[{\"Sid\":\"\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},{\"Sid\":\"\",\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]") },
        { "ResourcePolicySidWithDashes", PolicyKind.Resource, Doc("{\"Sid\":\"Allow-Public\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}") },
        { "UnknownActionAccepted", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"fsx:ListBucket\",\"Resource\":\"*\"}") },
        { "ActionWithSpacesAccepted", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"iam: asdf safdsf af \",\"Resource\":\"*\"}") },
        { "WildcardVendorAccepted", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"*:Get*\",\"Resource\":\"*\"}") },
        { "UnknownServiceArn", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:fdsasf\",\"arn:aws:invalid-service:::x\"]}") },
        { "EmptyConditionBlock", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{}}}") },
        { "EmptyConditionValueList", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"a\":[]}}}") },
        { "EpochDate", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":\"9223372036854775807\"}}}") },
        { "TrustSts", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/ABC\"},\"Action\":[\"sts:AssumeRoleWithWebIdentity\",\"sts:TagSession\"]}") },
        { "TrustStsWildcard", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"sts:*\"}") },
        { "TrustCognitoWithCondition", PolicyKind.Trust, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"cognito-identity.amazonaws.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{\"cognito-identity.amazonaws.com:aud\":\"pool\"}}}") },
        { "ResourcePolicyWithoutResource", PolicyKind.Resource, Doc("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"111122223333\",\"arn:aws:sts::111122223333:assumed-role/r/s\"]},\"Action\":\"s3:*\"}") },
        { "ConditionBooleanAndNumberValues", PolicyKind.Identity, Doc("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":true},\"NumericLessThan\":{\"s3:max-keys\":10}}}") },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_documents_parse(string name, PolicyKind kind, string json)
    {
        var result = PolicyDocument.Parse(json, kind);
        Assert.True(result.IsValid, $"{name}: {result.Error?.Message}");
        Assert.NotEmpty(result.Document.Statements);
    }

    [Fact]
    public void Trust_policy_wildcard_action_is_accepted()
    {
        // Open question: peers disagree on "*" in trust policies. We accept "*" and STS wildcards that cover at
        // least one AssumeRole-family action, because legacy trust policies in the wild use them.
        Assert.True(PolicyDocument.Parse(Doc("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\"}"), PolicyKind.Trust).IsValid);
    }

    [Fact]
    public void Statement_positions_are_one_based_start_and_just_past_the_end()
    {
        // Open question: AWS's exact column convention is not documented. We report the opening brace's 1-based
        // line/column and the position just after the closing brace.
        var json = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";
        var statement = TestPolicy.Parse(json).Statements[0];
        Assert.Equal(new SourcePosition(4, 5), statement.StartPosition);
        Assert.Equal(new SourcePosition(8, 6), statement.EndPosition);
    }

    [Fact]
    public void Variables_are_literal_under_2008_version()
    {
        var policy = TestPolicy.Entry("{\"Version\":\"2008-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/${aws:username}\"}}");
        var context = RequestContext.CreateBuilder("s3:GetObject", "arn:aws:s3:::b/${aws:username}").WithPrincipal(TestPolicy.Session).Add("aws:username", "bob").Build();
        Assert.True(TestPolicy.Allows(policy, context));
    }

    [Theory]
    [InlineData("{\"a\":1}", 7)]
    [InlineData("{ \"a\" :\n\t 1 }", 7)]
    public void Size_does_not_count_whitespace(string json, int expected) => Assert.Equal(expected, PolicySize.CountCharacters(json));

    [Theory]
    [InlineData("{\"a\":\"caf\u00e9\"}", true)]
    [InlineData("{\"a\":\"\u20ac\"}", false)]
    [InlineData("{\"a\":\"\u0001\"}", false)]
    public void Allowed_characters_are_tab_lf_cr_and_latin1(string json, bool expected) =>
        Assert.Equal(expected, PolicySize.HasOnlyAllowedCharacters(json));
}
