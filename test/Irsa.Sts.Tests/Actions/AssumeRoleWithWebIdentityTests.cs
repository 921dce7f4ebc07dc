using System.Text;
using Irsa.Core.Query;
using Irsa.Policy;
using Irsa.Sts.Tests.Support;

namespace Irsa.Sts.Tests.Actions;

public sealed class AssumeRoleWithWebIdentityTests
{
    [Fact]
    public async Task HappyPath_KubernetesToken_ReturnsAwsShapedCredentials()
    {
        using var bed = new StsTestBed();

        var result = await bed.AssumeAsync(bed.Mint(), sessionName: "my-session");

        var xml = StsTestBed.Result(result);
        var accessKeyId = StsTestBed.Value(xml, "Credentials", "AccessKeyId");
        Assert.Matches("^ASIA[A-Z2-7]{16}$", accessKeyId);
        Assert.Matches("^[A-Za-z0-9+/]{40}$", StsTestBed.Value(xml, "Credentials", "SecretAccessKey"));
        Assert.Matches("^[A-Za-z0-9_-]+$", StsTestBed.Value(xml, "Credentials", "SessionToken"));
        Assert.Equal("2026-08-07T13:00:00Z", StsTestBed.Value(xml, "Credentials", "Expiration"));
        Assert.Equal("system:serviceaccount:default:app", StsTestBed.Value(xml, "SubjectFromWebIdentityToken"));
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/irsa-app/my-session", StsTestBed.Value(xml, "AssumedRoleUser", "Arn"));
        Assert.Equal(bed.Role.RoleId + ":my-session", StsTestBed.Value(xml, "AssumedRoleUser", "AssumedRoleId"));
        Assert.Equal(StsTestBed.ProviderArn, StsTestBed.Value(xml, "Provider"));
        Assert.Equal("sts.amazonaws.com", StsTestBed.Value(xml, "Audience"));
        XAssertAbsent(xml, "PackedPolicySize");
        XAssertAbsent(xml, "SourceIdentity");
        Assert.Equal([StsTestBed.RoleArn], bed.Directory.RolesUsed);
        Assert.Equal("pod-uid-1", Assert.Single(bed.Liveness.Checked).PodUid);

        var session = result.IssuedSession!;
        Assert.Equal("default", session.Kubernetes!.Namespace);
        Assert.Equal("app", session.Kubernetes.ServiceAccountName);
        Assert.Equal("app-7d9f", session.Kubernetes.PodName);
        Assert.Equal("system:serviceaccount:default:app", session.WebIdentity!.Subject);
    }

    [Fact]
    public async Task HappyPath_Es256Token_IsAccepted()
    {
        using var bed = new StsTestBed(Irsa.Cluster.Keys.SigningAlgorithm.ES256);
        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
    }

    [Fact]
    public async Task RolePath_IsDroppedFromAssumedRoleArn()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(StsTestBed.Account, "pathed", StsTestBed.TrustPolicy, path: "/team/x/");

        var xml = StsTestBed.Result(await bed.AssumeAsync(bed.Mint(), roleArn: role.Arn));

        Assert.Equal("arn:aws:sts::111122223333:assumed-role/pathed/s1", StsTestBed.Value(xml, "AssumedRoleUser", "Arn"));
    }

    [Fact]
    public async Task TrailingNewline_IsTolerated()
    {
        using var bed = new StsTestBed();
        StsTestBed.Result(await bed.AssumeAsync(bed.Mint() + "\n"));
    }

    [Fact]
    public async Task DurationSeconds_SetsExpiration_AndMustNotExceedMaxSessionDuration()
    {
        using var bed = new StsTestBed();
        var xml = StsTestBed.Result(await bed.AssumeAsync(bed.Mint(), extra: ("DurationSeconds", "7200")));
        Assert.Equal("2026-08-07T14:00:00Z", StsTestBed.Value(xml, "Credentials", "Expiration"));

        var tooLong = await bed.AssumeAsync(bed.Mint(), extra: ("DurationSeconds", "7201"));
        Assert.Equal("ValidationError", tooLong.Error!.Code);
        Assert.Equal("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", tooLong.Error.Message);
    }

    [Fact]
    public async Task SessionPolicy_ReportsPackedPolicySize_AndIsSealedInTheSession()
    {
        using var bed = new StsTestBed();
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";

        var result = await bed.AssumeAsync(bed.Mint(), extra: ("Policy", policy));

        var xml = StsTestBed.Result(result);
        Assert.InRange(int.Parse(StsTestBed.Value(xml, "PackedPolicySize"), System.Globalization.CultureInfo.InvariantCulture), 1, 100);
        Assert.Equal(policy, result.IssuedSession!.Policy);
    }

    [Fact]
    public async Task MalformedSessionPolicy_IsMalformedPolicyDocument()
    {
        using var bed = new StsTestBed();
        var result = await bed.AssumeAsync(bed.Mint(), extra: ("Policy", "{not json"));
        Assert.Equal("MalformedPolicyDocument", result.Error!.Code);
        Assert.Equal(400, result.Error.StatusCode);
    }

    [Fact]
    public async Task TagsAndSourceIdentityClaims_NeedTagSessionAndSetSourceIdentity()
    {
        using var bed = new StsTestBed();
        var payload = bed.Payload(new()
        {
            ["https://aws.amazon.com/tags"] = """{"principal_tags":{"team":["blue"]},"transitive_tag_keys":["team"]}""",
            ["https://aws.amazon.com/source_identity"] = "\"alice\"",
        });
        var token = Jws.Sign(bed.Key, bed.Header(), payload);

        var denied = await bed.AssumeAsync(token);
        Assert.Equal("AccessDenied", denied.Error!.Code);

        bed.Directory.AddRole(StsTestBed.Account, "tagged", $$$$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"{{{{StsTestBed.ProviderArn}}}}"},
             "Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession","sts:SetSourceIdentity"],
             "Condition":{"StringEquals":{"aws:RequestTag/team":"blue"}}}]}
            """);
        var result = await bed.AssumeAsync(token, roleArn: "arn:aws:iam::111122223333:role/tagged");

        var xml = StsTestBed.Result(result);
        Assert.Equal("alice", StsTestBed.Value(xml, "SourceIdentity"));
        Assert.NotNull(xml.Element(System.Xml.Linq.XName.Get("PackedPolicySize", StsProtocol.Namespace)));
        Assert.Equal("blue", result.IssuedSession!.Tags["team"]);
        Assert.Equal(["team"], result.IssuedSession.TransitiveTagKeys);

        var caller = await bed.Api.CreateCallerAsync(result.IssuedSession);
        Assert.Equal("blue", caller.Session!.SessionTags["team"]);
        Assert.Equal("alice", caller.Session.SourceIdentity);
    }

    [Fact]
    public async Task SignedRequest_IsIgnoredForAssumeRoleWithWebIdentity()
    {
        using var bed = new StsTestBed();
        var someone = Irsa.Iam.CallerIdentity.ForUser(StsTestBed.Account, "arn:aws:iam::111122223333:user/admin", "admin", "AIDAEXAMPLE");
        var parameters = new QueryParameters([new("RoleArn", StsTestBed.RoleArn), new("RoleSessionName", "s1"), new("WebIdentityToken", bed.Mint())]);

        StsTestBed.Result(await bed.Api.ExecuteAsync("AssumeRoleWithWebIdentity", parameters, someone, "req"));
    }

    [Fact]
    public async Task CallerIdentity_FromSession_CarriesWebIdentityKeysAndSessionPolicies()
    {
        using var bed = new StsTestBed();
        bed.Directory.ManagedPolicies["arn:aws:iam::111122223333:policy/ro"] = new PolicyEntry("ro", PolicySourceType.UserManaged,
            PolicyDocument.ParseValid("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}""", PolicyKind.ManagedIdentity));
        var result = await bed.AssumeAsync(bed.Mint(), extra: ("PolicyArns.member.1.arn", "arn:aws:iam::111122223333:policy/ro"));
        StsTestBed.Result(result);

        var caller = await bed.Api.CreateCallerAsync(result.IssuedSession!);

        Assert.Equal(PrincipalType.AssumedRole, caller.PrincipalType);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/irsa-app/s1", caller.PrincipalArn);
        Assert.Equal(StsTestBed.RoleArn, caller.Session!.RoleArn);
        Assert.Equal("ro", Assert.Single(caller.Session.SessionPolicies!).PolicyId);
        Assert.Equal("system:serviceaccount:default:app", caller.ContextKeys[StsTestBed.ProviderUrl + ":sub"].Values[0]);
        Assert.Equal(StsTestBed.ProviderArn, caller.ContextKeys["aws:FederatedProvider"].Values[0]);
        Assert.Equal(bed.Role.RoleId + ":s1", caller.ContextKeys["aws:userid"].Values[0]);
    }

    [Fact]
    public async Task UnknownPolicyArn_IsRefused()
    {
        using var bed = new StsTestBed();
        var result = await bed.AssumeAsync(bed.Mint(), extra: ("PolicyArns.member.1.arn", "arn:aws:iam::111122223333:policy/none"));
        Assert.Equal("MalformedPolicyDocument", result.Error!.Code);
    }

    [Fact]
    public async Task ErrorXml_HasAwsShape()
    {
        using var bed = new StsTestBed();
        var result = await bed.AssumeAsync("abcd");
        var xml = Encoding.UTF8.GetString(result.RenderError("req-1"));
        Assert.Contains("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>", xml, StringComparison.Ordinal);
        Assert.Contains("<RequestId>req-1</RequestId></ErrorResponse>", xml, StringComparison.Ordinal);
    }

    private static void XAssertAbsent(System.Xml.Linq.XElement element, string name) =>
        Assert.Null(element.Element(System.Xml.Linq.XName.Get(name, StsProtocol.Namespace)));
}
