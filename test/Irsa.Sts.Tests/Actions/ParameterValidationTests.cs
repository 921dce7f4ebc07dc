using Irsa.Core.Query;
using Irsa.Sts.Tests.Support;

namespace Irsa.Sts.Tests.Actions;

public sealed class ParameterValidationTests
{
    private static async Task<Irsa.Core.Aws.AwsError> ErrorFor(params (string Key, string Value)[] values)
    {
        using var bed = new StsTestBed();
        var result = await bed.Api.ExecuteAsync("AssumeRoleWithWebIdentity",
            new QueryParameters(values.Select(v => new KeyValuePair<string, string>(v.Key, v.Value))), null, "req");
        Assert.False(result.IsSuccess);
        return result.Error!;
    }

    [Fact]
    public async Task MissingEverything_ListsEachRequiredMember()
    {
        var error = await ErrorFor();
        Assert.Equal("ValidationError", error.Code);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("3 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; "
            + "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null; "
            + "Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null", error.Message);
    }

    [Fact]
    public async Task SessionNamePattern_UsesAwsWording()
    {
        var error = await ErrorFor(("RoleArn", StsTestBed.RoleArn), ("RoleSessionName", "bad name!"), ("WebIdentityToken", "abcd"));
        Assert.Equal("1 validation error detected: Value 'bad name!' at 'roleSessionName' failed to satisfy constraint: "
            + @"Member must satisfy regular expression pattern: [\w+=,.@-]*", error.Message);
    }

    [Fact]
    public async Task SessionNameLength_And_DurationRange()
    {
        var error = await ErrorFor(("RoleArn", StsTestBed.RoleArn), ("RoleSessionName", "a"), ("WebIdentityToken", "abcd"), ("DurationSeconds", "899"));
        Assert.Equal("2 validation errors detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; "
            + "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", error.Message);
    }

    [Fact]
    public async Task OversizedToken_IsValidationError_WithoutEchoingTheToken()
    {
        var error = await ErrorFor(("RoleArn", StsTestBed.RoleArn), ("RoleSessionName", "s1"), ("WebIdentityToken", new string('a', 20001)));
        Assert.Equal("1 validation error detected: Value '***' at 'webIdentityToken' failed to satisfy constraint: "
            + "Member must have length less than or equal to 20000", error.Message);
    }

    [Fact]
    public async Task PolicyCharacters_AndTooManyPolicyArns()
    {
        var arns = Enumerable.Range(1, 11).Select(i => ($"PolicyArns.member.{i}.arn", "arn:aws:iam::111122223333:policy/p" + i));
        var error = await ErrorFor([("RoleArn", StsTestBed.RoleArn), ("RoleSessionName", "s1"), ("WebIdentityToken", "abcd"), ("Policy", "{\u2603}"), .. arns]);
        Assert.StartsWith("2 validation errors detected: Value '{\u2603}' at 'policy' failed to satisfy constraint: "
            + @"Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+; Value '[", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedRoleArn_IsRequestArnIsInvalid()
    {
        var error = await ErrorFor(("RoleArn", "arn:aws:iam::1234:user/someone"), ("RoleSessionName", "s1"), ("WebIdentityToken", "abcd"));
        Assert.Equal("ValidationError", error.Code);
        Assert.Equal("Request ARN is invalid", error.Message);
    }

    [Fact]
    public async Task UnknownAction_IsInvalidAction()
    {
        using var bed = new StsTestBed();
        var result = await bed.Api.ExecuteAsync("AssumeRoleWithSAML", new QueryParameters([]), null, "req");
        Assert.Equal("InvalidAction", result.Error!.Code);
    }
}
