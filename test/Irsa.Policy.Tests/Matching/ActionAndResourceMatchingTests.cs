namespace Irsa.Policy.Tests.Matching;

public sealed class ActionAndResourceMatchingTests
{
    public static TheoryData<string, string, string, bool> Actions => new()
    {
        { "Exact", "s3:GetObject", "s3:GetObject", true },
        { "CaseInsensitiveVendorAndName", "IAM:listaccesskeys", "iam:ListAccessKeys", true },
        { "NameStar", "s3:Get*", "s3:GetObjectAcl", true },
        { "NameQuestion", "s3:Get?bject", "s3:GetObject", true },
        { "OtherVendor", "s3:Get*", "ec2:GetConsoleOutput", false },
        { "VendorPrefixOnly", "s3:*", "s3x:Get", false },
        { "StarMatchesAll", "*", "anything:AtAll", true },
        { "WildcardVendorMatchesNothing", "*:GetObject", "s3:GetObject", false },
        { "NonexistentActionNeverMatches", "fsx:ListBucket", "s3:ListBucket", false },
    };

    [Theory]
    [MemberData(nameof(Actions))]
    public void Action_patterns(string name, string pattern, string action, bool expected)
    {
        var policy = TestPolicy.Entry($"{{\"Version\":\"2012-10-17\",\"Statement\":{{\"Effect\":\"Allow\",\"Action\":\"{pattern}\",\"Resource\":\"*\"}}}}");
        Assert.True(expected == TestPolicy.Allows(policy, TestPolicy.ContextFor(action, "*")), name);
    }

    public static TheoryData<string, string, string, bool> Resources => new()
    {
        { "Star", "*", "arn:aws:s3:::b/k", true },
        { "StarMatchesNonArn", "*", "*", true },
        { "Exact", "arn:aws:s3:::b/k", "arn:aws:s3:::b/k", true },
        { "ResourcePartCaseSensitive", "arn:aws:s3:::b/K", "arn:aws:s3:::b/k", false },
        { "HeadCaseInsensitive", "arn:aws:S3:::b/k", "arn:aws:s3:::b/k", true },
        { "StarCrossesSlash", "arn:aws:s3:::B/*/test/*", "arn:aws:s3:::B/1/2/test/3/x.jpg", true },
        { "StarEmptyBetweenSlashes", "arn:aws:s3:::B/*/test/*", "arn:aws:s3:::B//test/object.jpg", true },
        { "StarNeedsItsSlashes", "arn:aws:s3:::B/*/test/*", "arn:aws:s3:::B/test/object.jpg", false },
        { "RegionWildcardStaysInSegment", "arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true },
        { "AccountMismatch", "arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:us-east-1:999999999999:instance/i-1", false },
        { "SegmentWildcardDoesNotSwallowColons", "arn:aws:ec2:us-*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", false },
        { "ShortPatternTrailingStarPadded", "arn:aws:ec2:*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true },
        { "ShortPatternWithoutStarNoMatch", "arn:aws:ec2", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", false },
        { "ResourcePartStarCrossesColon", "arn:aws:logs:us-east-1:111122223333:*", "arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s", true },
        { "QuestionInResource", "arn:aws:s3:::b/?", "arn:aws:s3:::b/k", true },
        { "ArnPatternDoesNotMatchStarRequest", "arn:aws:s3:::b", "*", false },
    };

    [Theory]
    [MemberData(nameof(Resources))]
    public void Resource_patterns(string name, string pattern, string resource, bool expected)
    {
        var policy = TestPolicy.Entry($"{{\"Version\":\"2012-10-17\",\"Statement\":{{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"{pattern}\"}}}}");
        Assert.True(expected == TestPolicy.Allows(policy, TestPolicy.ContextFor("s3:GetObject", resource)), name);
    }

    [Fact]
    public void NotAction_applies_to_every_other_action_but_only_on_matching_resources()
    {
        var policy = TestPolicy.Entry("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b/*"}}""");
        Assert.True(TestPolicy.Allows(policy, TestPolicy.ContextFor("s3:PutObject", "arn:aws:s3:::b/x")));
        Assert.False(TestPolicy.Allows(policy, TestPolicy.ContextFor("iam:CreateUser", "arn:aws:s3:::b/x")));
        Assert.False(TestPolicy.Allows(policy, TestPolicy.ContextFor("s3:PutObject", "arn:aws:s3:::other/x")));
    }

    [Fact]
    public void NotResource_applies_to_every_other_resource()
    {
        var policy = TestPolicy.Entry("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:*","Resource":"*"},
              {"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}
            """);
        Assert.Equal(PolicyDecision.Allowed, TestPolicy.EvaluateIdentity(policy, TestPolicy.ContextFor("s3:GetObject", "arn:aws:s3:::b/k")).Decision);
        Assert.Equal(PolicyDecision.ExplicitDeny, TestPolicy.EvaluateIdentity(policy, TestPolicy.ContextFor("s3:GetObject", "arn:aws:s3:::c/k")).Decision);
    }
}
