using System.Text;
using System.Xml.Linq;
using Irsa.Core.Query;
using Irsa.Iam;
using Irsa.Sts.Sessions;
using Irsa.Sts.Tests.Support;

namespace Irsa.Sts.Tests.Actions;

public sealed class AssumeRoleTests
{
    private const string A = StsTestBed.Account;
    private const string B = "444455556666";
    private const string UserArn = "arn:aws:iam::111122223333:user/alice";
    private static readonly XNamespace Ns = StsProtocol.Namespace;

    private static readonly CallerIdentity Alice = CallerIdentity.ForUser(A, UserArn, "alice", "AIDAALICE");

    internal static string Trust(string principal, string actions = "\"sts:AssumeRole\"", string condition = "") =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{{principal}},"Action":[{{actions}}]{{condition}}}]}""";

    internal static string Allow(string action, string resource) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"{{action}}","Resource":"{{resource}}"}]}""";

    private static Task<StsResult> AssumeAsync(StsTestBed bed, CallerIdentity caller, string roleArn, params (string Key, string Value)[] extra)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("RoleArn", roleArn), new("RoleSessionName", "s1") };
        parameters.AddRange(extra.Select(e => KeyValuePair.Create(e.Key, e.Value)));
        return bed.Api.AssumeRoleAsync(new QueryParameters(parameters), caller, "req-1");
    }

    private static XElement Result(StsResult result)
    {
        Assert.True(result.IsSuccess, result.Error?.Code + ": " + result.Error?.Message + " / " + result.Detail);
        return XDocument.Parse(Encoding.UTF8.GetString(result.Body!)).Root!.Element(Ns + "AssumeRoleResult")!;
    }

    [Fact]
    public async Task SameAccount_TrustNamingTheUser_IsEnough_AndAnswersInModelOrder()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(A, "app", Trust($$"""{"AWS":"{{UserArn}}"}"""), path: "/team/");

        var xml = Result(await AssumeAsync(bed, Alice, role.Arn));

        Assert.Equal(["Credentials", "AssumedRoleUser"], xml.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(["AssumedRoleId", "Arn"], xml.Element(Ns + "AssumedRoleUser")!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/app/s1", xml.Element(Ns + "AssumedRoleUser")!.Element(Ns + "Arn")!.Value);
        Assert.Equal(role.RoleId + ":s1", xml.Element(Ns + "AssumedRoleUser")!.Element(Ns + "AssumedRoleId")!.Value);
        Assert.Equal("2026-08-07T13:00:00Z", xml.Element(Ns + "Credentials")!.Element(Ns + "Expiration")!.Value);
        var keyId = xml.Element(Ns + "Credentials")!.Element(Ns + "AccessKeyId")!.Value;
        Assert.StartsWith("ASIA", keyId, StringComparison.Ordinal);
        Assert.True(AccessKeyIds.TryDecodeAccount(keyId, out var account));
        Assert.Equal(A, account);
    }

    [Fact]
    public async Task SameAccount_TrustNamingOnlyTheAccount_NeedsTheIdentityPolicy()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(A, "app", Trust($$"""{"AWS":"arn:aws:iam::{{A}}:root"}"""));
        bed.Directory.Allow(UserArn);

        var denied = await AssumeAsync(bed, Alice, role.Arn);
        Assert.Equal("AccessDenied", denied.Error!.Code);
        Assert.Equal(403, denied.Error.StatusCode);
        Assert.Equal($"User: {UserArn} is not authorized to perform: sts:AssumeRole on resource: {role.Arn}", denied.Error.Message);
        Assert.NotNull(denied.Explanation);

        bed.Directory.Allow(UserArn, Allow("sts:AssumeRole", role.Arn));
        Result(await AssumeAsync(bed, Alice, role.Arn));
    }

    [Fact]
    public async Task CrossAccount_NeedsTrustAndIdentityPolicy()
    {
        using var bed = new StsTestBed();
        var trusting = bed.Directory.AddRole(B, "target", Trust($$"""{"AWS":"{{A}}"}"""));
        var untrusting = bed.Directory.AddRole(B, "closed", Trust("""{"AWS":"999988887777"}"""));
        bed.Directory.Allow(UserArn);

        var noIdentity = await AssumeAsync(bed, Alice, trusting.Arn);
        Assert.Equal("AccessDenied", noIdentity.Error!.Code);

        bed.Directory.Allow(UserArn, Allow("sts:AssumeRole", "*"));
        var xml = Result(await AssumeAsync(bed, Alice, trusting.Arn));
        Assert.Equal($"arn:aws:sts::{B}:assumed-role/target/s1", xml.Element(Ns + "AssumedRoleUser")!.Element(Ns + "Arn")!.Value);

        var noTrust = await AssumeRoleTests.AssumeAsync(bed, Alice, untrusting.Arn);
        Assert.Equal($"User: {UserArn} is not authorized to perform: sts:AssumeRole on resource: {untrusting.Arn}", noTrust.Error!.Message);
    }

    [Fact]
    public async Task MissingRole_IsDeniedLikeAnyRole()
    {
        using var bed = new StsTestBed();
        var result = await AssumeAsync(bed, Alice, "arn:aws:iam::111122223333:role/nope");
        Assert.Equal($"User: {UserArn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/nope", result.Error!.Message);
        Assert.Equal("RoleNotFound", result.Explanation!.Check);
    }

    [Fact]
    public async Task ExternalId_IsTheStsExternalIdKey()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(A, "app", Trust($$"""{"AWS":"{{UserArn}}"}""",
            condition: ""","Condition":{"StringEquals":{"sts:ExternalId":"secret-1"}}"""));

        Assert.Equal("AccessDenied", (await AssumeAsync(bed, Alice, role.Arn)).Error!.Code);
        Assert.Equal("AccessDenied", (await AssumeAsync(bed, Alice, role.Arn, ("ExternalId", "secret-2"))).Error!.Code);
        Result(await AssumeAsync(bed, Alice, role.Arn, ("ExternalId", "secret-1")));
    }

    [Fact]
    public async Task Tags_NeedTagSession_AndBecomePrincipalTagsOverRoleTags()
    {
        using var bed = new StsTestBed();
        var roleTags = new Dictionary<string, string> { ["team"] = "role-value", ["cost"] = "c1" };
        var onlyAssume = bed.Directory.AddRole(A, "plain", Trust($$"""{"AWS":"{{UserArn}}"}"""));
        var tagging = bed.Directory.AddRole(A, "tagging", Trust($$"""{"AWS":"{{UserArn}}"}""", "\"sts:AssumeRole\",\"sts:TagSession\""), tags: roleTags);
        var tag = new[] { ("Tags.member.1.Key", "Team"), ("Tags.member.1.Value", "blue") };

        var denied = await AssumeAsync(bed, Alice, onlyAssume.Arn, tag);
        Assert.Equal($"User: {UserArn} is not authorized to perform: sts:TagSession on resource: {onlyAssume.Arn}", denied.Error!.Message);

        var result = await AssumeAsync(bed, Alice, tagging.Arn, tag);
        var xml = Result(result);
        Assert.NotNull(xml.Element(Ns + "PackedPolicySize"));
        Assert.Equal("blue", result.IssuedSession!.Tags["Team"]);

        // The session's caller sees its tag over the role's own tag of the same key (keys ignore case).
        var caller = await bed.Api.CreateCallerAsync(result.IssuedSession);
        bed.Directory.Allow(tagging.Arn, """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue","aws:PrincipalTag/cost":"c1"}}}]}""");
        var principal = await bed.Directory.GetPrincipalAsync(caller, default);
        var request = Irsa.Iam.Authorization.Authorizer.CreateRequest(caller, principal, "s3:GetObject", "arn:aws:s3:::b/k", null, null, null, bed.Time.GetUtcNow());
        Assert.True(Irsa.Policy.PolicyEvaluator.Evaluate(request).IsAllowed);
    }

    [Fact]
    public async Task ChainedSession_IsCappedAtOneHour_AndInheritsTransitiveTagsAndSourceIdentity()
    {
        using var bed = new StsTestBed();
        var tagTrust = "\"sts:AssumeRole\",\"sts:TagSession\",\"sts:SetSourceIdentity\"";
        var first = bed.Directory.AddRole(A, "first", Trust($$"""{"AWS":"{{UserArn}}"}""", tagTrust), maxSessionDuration: 43200);
        var second = bed.Directory.AddRole(A, "second", Trust($$"""{"AWS":"{{first.Arn}}"}""", tagTrust), maxSessionDuration: 43200);
        var hop1 = await AssumeAsync(bed, Alice, first.Arn, ("DurationSeconds", "7200"), ("SourceIdentity", "alice"),
            ("Tags.member.1.Key", "project"), ("Tags.member.1.Value", "p1"), ("Tags.member.2.Key", "temp"), ("Tags.member.2.Value", "t"),
            ("TransitiveTagKeys.member.1", "project"));
        Result(hop1);
        var caller = await bed.Api.CreateCallerAsync(hop1.IssuedSession!);

        var tooLong = await AssumeAsync(bed, caller, second.Arn, ("DurationSeconds", "3601"));
        Assert.Equal("ValidationError", tooLong.Error!.Code);
        Assert.Equal("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", tooLong.Error.Message);

        var clash = await AssumeAsync(bed, caller, second.Arn, ("Tags.member.1.Key", "Project"), ("Tags.member.1.Value", "other"));
        Assert.Equal("ValidationError", clash.Error!.Code);

        var otherSource = await AssumeAsync(bed, caller, second.Arn, ("SourceIdentity", "mallory"));
        Assert.Equal("AccessDenied", otherSource.Error!.Code);

        var chained = await AssumeAsync(bed, caller, second.Arn);
        Result(chained);
        var session = chained.IssuedSession!;
        Assert.Equal(bed.Time.GetUtcNow().AddHours(1), session.Expiration);
        Assert.Equal("p1", session.Tags["project"]);
        Assert.False(session.Tags.ContainsKey("temp"));
        Assert.Equal(["project"], session.TransitiveTagKeys);
        Assert.Equal("alice", session.SourceIdentity);
    }

    [Fact]
    public async Task ChainedFromAWebIdentitySession_KeepsThePod_ButNotTheWebIdentity()
    {
        using var bed = new StsTestBed();
        var web = await bed.AssumeAsync(bed.Mint());
        var caller = await bed.Api.CreateCallerAsync(web.IssuedSession!);
        var next = bed.Directory.AddRole(A, "next", Trust($$"""{"AWS":"{{StsTestBed.RoleArn}}"}"""));

        var chained = await AssumeAsync(bed, caller, next.Arn);

        var session = chained.IssuedSession!;
        Assert.Null(session.WebIdentity);
        Assert.Equal(web.IssuedSession!.Pod, session.Pod);
        Assert.Equal(StsTestBed.Issuer, session.Pod!.Issuer);
        var chainedCaller = await bed.Api.CreateCallerAsync(session);
        Assert.Null(chainedCaller.Session!.FederatedProvider);
        Assert.Equal("app-7d9f", chainedCaller.Session.Pod!.PodName);
        Assert.DoesNotContain(chainedCaller.ContextKeys.Keys, k => k.EndsWith(":sub", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InheritedTags_NeedTagSessionInTheNextTrustPolicy()
    {
        using var bed = new StsTestBed();
        var first = bed.Directory.AddRole(A, "first", Trust($$"""{"AWS":"{{UserArn}}"}""", "\"sts:AssumeRole\",\"sts:TagSession\""));
        var second = bed.Directory.AddRole(A, "second", Trust($$"""{"AWS":"{{first.Arn}}"}"""));
        var hop1 = await AssumeAsync(bed, Alice, first.Arn, ("Tags.member.1.Key", "k"), ("Tags.member.1.Value", "v"), ("TransitiveTagKeys.member.1", "k"));
        var caller = await bed.Api.CreateCallerAsync(hop1.IssuedSession!);

        var denied = await AssumeAsync(bed, caller, second.Arn);

        Assert.Equal($"User: arn:aws:sts::{A}:assumed-role/first/s1 is not authorized to perform: sts:TagSession on resource: {second.Arn}", denied.Error!.Message);
    }

    [Fact]
    public async Task DurationAboveTheRoleMaximum_IsRefused()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(A, "app", Trust($$"""{"AWS":"{{UserArn}}"}"""));
        var result = await AssumeAsync(bed, Alice, role.Arn, ("DurationSeconds", "3601"));
        Assert.Equal("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", result.Error!.Message);
    }

    [Fact]
    public async Task TooManyTagBytes_IsPackedPolicyTooLarge()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(A, "app", Trust($$"""{"AWS":"{{UserArn}}"}""", "\"sts:AssumeRole\",\"sts:TagSession\""));
        var tags = Enumerable.Range(1, 10).SelectMany(i => new[] { ($"Tags.member.{i}.Key", "key" + i), ($"Tags.member.{i}.Value", new string('v', 40)) }).ToArray();

        var result = await AssumeAsync(bed, Alice, role.Arn, tags);

        Assert.Equal("PackedPolicyTooLarge", result.Error!.Code);
        Assert.Matches(@"^Packed size of session tags consumes \d+% of allotted space\.$", result.Error.Message);
    }

    [Theory]
    [InlineData("RoleSessionName", "a b")]
    [InlineData("ExternalId", "x")]
    [InlineData("SourceIdentity", "aws:me")]
    [InlineData("DurationSeconds", "99999")]
    public async Task BadParameters_AreValidationErrors(string name, string value)
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(A, "app", Trust($$"""{"AWS":"{{UserArn}}"}"""));
        var parameters = new Dictionary<string, string> { ["RoleArn"] = role.Arn, ["RoleSessionName"] = "s1", [name] = value };
        var result = await bed.Api.AssumeRoleAsync(new QueryParameters(parameters), Alice, "req");
        Assert.Equal("ValidationError", result.Error!.Code);
    }

    [Fact]
    public async Task GetSessionToken_IsForLongTermKeysOnly()
    {
        using var bed = new StsTestBed();
        var result = await bed.Api.GetSessionTokenAsync(new QueryParameters([]), Alice, "req");
        Assert.True(result.IsSuccess);
        var session = result.IssuedSession!;
        Assert.Equal(bed.Time.GetUtcNow().AddHours(12), session.Expiration);

        var caller = await bed.Api.CreateCallerAsync(session);
        Assert.Equal(UserArn, caller.PrincipalArn);
        Assert.Equal(Irsa.Policy.PrincipalType.User, caller.PrincipalType);

        var again = await bed.Api.GetSessionTokenAsync(new QueryParameters([]), caller, "req");
        Assert.Equal("AccessDenied", again.Error!.Code);
        Assert.Equal("Cannot call GetSessionToken with session credentials", again.Error.Message);
    }

    [Fact]
    public async Task GetAccessKeyInfo_DecodesTheAccountOfIssuedKeys()
    {
        var key = AccessKeyIds.NewTemporary(B);
        var result = await StsApi.GetAccessKeyInfoAsync(new QueryParameters([KeyValuePair.Create("AccessKeyId", key)]), "req");
        Assert.Contains($"<Account>{B}</Account>", Encoding.UTF8.GetString(result.Body!), StringComparison.Ordinal);

        var bad = await StsApi.GetAccessKeyInfoAsync(new QueryParameters([KeyValuePair.Create("AccessKeyId", "short")]), "req");
        Assert.Equal("ValidationError", bad.Error!.Code);
    }
}
