using Irsa.Core.Query;
using Irsa.Iam;
using Irsa.Sts.Tests.Support;

namespace Irsa.Sts.Tests.Actions;

public sealed class GetCallerIdentityTests
{
    [Fact]
    public async Task RoleSession_ReportsAssumedRole()
    {
        using var bed = new StsTestBed();
        var assumed = StsTestBed.Result(await bed.AssumeAsync(bed.Mint(), sessionName: "my-session"));
        var opened = bed.Api.OpenSession(StsTestBed.Value(assumed, "Credentials", "AccessKeyId"),
            StsTestBed.Value(assumed, "Credentials", "SessionToken"), bed.Time.GetUtcNow());
        Assert.Equal(StsTestBed.Value(assumed, "Credentials", "SecretAccessKey"), opened.SecretAccessKey);
        var caller = await bed.Api.CreateCallerAsync(opened.Session!);

        var xml = StsTestBed.Result(await bed.Api.ExecuteAsync("GetCallerIdentity", new QueryParameters([]), caller, "req"));

        Assert.Equal(bed.Role.RoleId + ":my-session", StsTestBed.Value(xml, "UserId"));
        Assert.Equal("111122223333", StsTestBed.Value(xml, "Account"));
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/irsa-app/my-session", StsTestBed.Value(xml, "Arn"));
    }

    [Fact]
    public async Task User_ReportsUserArnAndId()
    {
        using var bed = new StsTestBed();
        var caller = CallerIdentity.ForUser("111122223333", "arn:aws:iam::111122223333:user/admin", "admin", "AIDAEXAMPLEEXAMPLE12");

        var xml = StsTestBed.Result(await bed.Api.ExecuteAsync("GetCallerIdentity", new QueryParameters([]), caller, "req"));

        Assert.Equal("AIDAEXAMPLEEXAMPLE12", StsTestBed.Value(xml, "UserId"));
        Assert.Equal("arn:aws:iam::111122223333:user/admin", StsTestBed.Value(xml, "Arn"));
    }

    [Fact]
    public async Task Unsigned_IsMissingAuthenticationToken()
    {
        using var bed = new StsTestBed();
        var result = await bed.Api.ExecuteAsync("GetCallerIdentity", new QueryParameters([]), null, "req");
        Assert.Equal("MissingAuthenticationToken", result.Error!.Code);
        Assert.Equal(403, result.Error.StatusCode);
    }
}
