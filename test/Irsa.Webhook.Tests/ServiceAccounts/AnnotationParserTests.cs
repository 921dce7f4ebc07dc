namespace Irsa.Webhook.Tests.ServiceAccounts;

public sealed class AnnotationParserTests
{
    private static ServiceAccountInfo Parse(WebhookOptions options, params (string Key, string Value)[] annotations) =>
        new ServiceAccountAnnotationParser(options).Parse(annotations.ToDictionary(a => "eks.amazonaws.com/" + a.Key, a => a.Value));

    [Fact]
    public void NoAnnotations_GivesFlagDefaults_AndEmptyRole()
    {
        var options = new WebhookOptions { DefaultAudience = "aud", DefaultStsRegionalEndpoint = true, DefaultTokenExpiration = 100 };
        Assert.Equal(new ServiceAccountInfo("", "aud", true, 600), new ServiceAccountAnnotationParser(options).Parse(null));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("F", false)]
    [InlineData("yes", true)]
    [InlineData("", true)]
    [InlineData("tRUE", true)]
    public void StsRegionalEndpoints_UsesGoParseBool_ElseFlag(string value, bool expected) =>
        Assert.Equal(expected, Parse(new WebhookOptions { DefaultStsRegionalEndpoint = true }, ("sts-regional-endpoints", value)).UseRegionalSts);

    [Theory]
    [InlineData("3600", 3600)]
    [InlineData("10", 600)]
    [InlineData("1e3", 86400)]
    [InlineData("200000", 200000)]
    public void TokenExpiration_HasFloorButNoCeiling(string value, long expected) =>
        Assert.Equal(expected, Parse(new WebhookOptions(), ("token-expiration", value)).TokenExpiration);

    [Fact]
    public void EmptyAudience_IsKept() => Assert.Equal("", Parse(new WebhookOptions(), ("audience", "")).Audience);

    [Fact]
    public void ComposeRoleArn_OnlyForValuesWithoutArnPrefix()
    {
        var options = new WebhookOptions { ComposeRoleArn = new RoleArnComposition(RoleArnComposition.PartitionForRegion("cn-north-1"), "111122223333") };
        Assert.Equal("arn:aws-cn:iam::111122223333:role/path/s3-reader", Parse(options, ("role-arn", "path/s3-reader")).RoleArn);
        Assert.Equal("arn:aws:iam::1:role/x", Parse(options, ("role-arn", "arn:aws:iam::1:role/x")).RoleArn);
    }

    [Theory]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    [InlineData("us-isob-east-1", "aws-iso-b")]
    [InlineData("us-iso-east-1", "aws-iso")]
    [InlineData("eusc-de-east-1", "aws-eusc")]
    [InlineData("eu-west-1", "aws")]
    public void Partition_FollowsRegionPrefix(string region, string partition) =>
        Assert.Equal(partition, RoleArnComposition.PartitionForRegion(region));

    [Theory]
    [InlineData("arn:aws:iam::111122223333:role/s3-reader", true)]
    [InlineData("arn:aws-cn:iam::111122223333:role/a/b@c", true)]
    [InlineData("arn:aws:iam::11112222333:role/x", false)]
    [InlineData("arn:aws:iam::111122223333:user/x", false)]
    public void RoleArnShape_IsOnlyAdvisory(string arn, bool ok) =>
        Assert.Equal(ok, ServiceAccountAnnotationParser.IsWellFormedRoleArn(arn));

    [Fact]
    public void OtherPrefixes_AreIgnored()
    {
        var parser = new ServiceAccountAnnotationParser(new WebhookOptions { AnnotationPrefix = "irsa.dev" });
        Assert.Equal("", parser.Parse(new Dictionary<string, string> { ["eks.amazonaws.com/role-arn"] = "r" }).RoleArn);
        Assert.Equal("r", parser.Parse(new Dictionary<string, string> { ["irsa.dev/role-arn"] = "r" }).RoleArn);
    }
}
