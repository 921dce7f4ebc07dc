using System.Xml.Linq;
using Irsa.Iam.Tests.Roles;
using Irsa.Iam.Tests.TestSupport;
using static Irsa.Iam.Tests.TestSupport.IamTestHost;

namespace Irsa.Iam.Tests.Simulation;

public sealed class SimulationTests
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/app";

    private static Task<XDocument> SimulateTrustAsync(IamTestHost host, string subject, bool withAudience = true)
    {
        var parameters = new List<(string, string)>
        {
            ("ActionNames.member.1", "sts:AssumeRoleWithWebIdentity"),
            ("PolicyInputList", ""),
            ("ResourcePolicy", Docs.IrsaTrust),
            ("CallerArn", Docs.ProviderArn),
            ("ResourceArns.member.1", RoleArn),
            ("ContextEntries.member.1.ContextKeyName", Docs.Issuer + ":sub"),
            ("ContextEntries.member.1.ContextKeyValues.member.1", subject),
            ("ContextEntries.member.1.ContextKeyType", "string"),
        };
        if (withAudience)
        {
            parameters.Add(("ContextEntries.member.2.ContextKeyName", Docs.Issuer + ":aud"));
            parameters.Add(("ContextEntries.member.2.ContextKeyValues.member.1", "sts.amazonaws.com"));
            parameters.Add(("ContextEntries.member.2.ContextKeyType", "string"));
        }

        return host.CallAsync("SimulateCustomPolicy", [.. parameters]);
    }

    private static XElement Single(XDocument document, string action) =>
        Assert.Single(Result(document, action).Element(Ns + "EvaluationResults")!.Elements(Ns + "member"));

    [Fact]
    public async Task Irsa_trust_policy_allows_the_pinned_service_account()
    {
        await using var host = await StartAsync();

        var result = Single(await SimulateTrustAsync(host, "system:serviceaccount:default:app"), "SimulateCustomPolicy");

        Assert.Equal("sts:AssumeRoleWithWebIdentity", Text(result, "EvalActionName"));
        Assert.Equal(RoleArn, Text(result, "EvalResourceName"));
        Assert.Equal("allowed", Text(result, "EvalDecision"));
        var matched = Assert.Single(result.Element(Ns + "MatchedStatements")!.Elements(Ns + "member"));
        Assert.Equal("ResourcePolicy", Text(matched, "SourcePolicyId"));
        Assert.Equal("resource", Text(matched, "SourcePolicyType"));
        Assert.Equal("1", Text(matched, "StartPosition/Line"));
        Assert.Equal((Docs.IrsaTrust.IndexOf("{\"Effect\"", StringComparison.Ordinal) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Text(matched, "StartPosition/Column"));
        Assert.True(int.Parse(Text(matched, "EndPosition/Column"), System.Globalization.CultureInfo.InvariantCulture) > 100);
        Assert.Empty(result.Element(Ns + "MissingContextValues")!.Elements());
    }

    [Fact]
    public async Task Irsa_trust_policy_implicitly_denies_another_service_account()
    {
        await using var host = await StartAsync();

        var result = Single(await SimulateTrustAsync(host, "system:serviceaccount:default:intruder"), "SimulateCustomPolicy");

        Assert.Equal("implicitDeny", Text(result, "EvalDecision"));
        Assert.Empty(result.Element(Ns + "MatchedStatements")!.Elements());
    }

    [Fact]
    public async Task Missing_context_keys_are_reported()
    {
        await using var host = await StartAsync();

        var result = Single(await SimulateTrustAsync(host, "system:serviceaccount:default:app", withAudience: false), "SimulateCustomPolicy");

        Assert.Equal("implicitDeny", Text(result, "EvalDecision"));
        Assert.Contains(Docs.Issuer + ":aud", result.Element(Ns + "MissingContextValues")!.Elements(Ns + "member").Select(m => m.Value),
            StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SimulatePrincipalPolicy_evaluates_an_s3_read_policy_of_a_role()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "read"), ("PolicyDocument", Docs.S3Read));

        var document = await host.CallAsync("SimulatePrincipalPolicy", ("PolicySourceArn", RoleArn),
            ("ActionNames.member.1", "s3:GetObject"), ("ActionNames.member.2", "s3:PutObject"),
            ("ResourceArns.member.1", "arn:aws:s3:::data/report.csv"), ("ResourceArns.member.2", "arn:aws:s3:::other/x"));
        var results = Result(document, "SimulatePrincipalPolicy").Element(Ns + "EvaluationResults")!.Elements(Ns + "member").ToList();

        Assert.Equal(4, results.Count);
        Assert.Equal(["s3:GetObject arn:aws:s3:::data/report.csv allowed", "s3:GetObject arn:aws:s3:::other/x implicitDeny",
                "s3:PutObject arn:aws:s3:::data/report.csv implicitDeny", "s3:PutObject arn:aws:s3:::other/x implicitDeny"],
            results.Select(r => $"{Text(r, "EvalActionName")} {Text(r, "EvalResourceName")} {Text(r, "EvalDecision")}"));
        var matched = Assert.Single(results[0].Element(Ns + "MatchedStatements")!.Elements(Ns + "member"));
        Assert.Equal("read", Text(matched, "SourcePolicyId"));
        Assert.Equal("role", Text(matched, "SourcePolicyType"));
        Assert.Equal("false", Text(Result(document, "SimulatePrincipalPolicy"), "IsTruncated"));
    }

    [Fact]
    public async Task Explicit_denies_boundaries_and_paging_are_reported()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host);
        await host.CallAsync("PutRolePolicy", ("RoleName", "app"), ("PolicyName", "read"), ("PolicyDocument", Docs.S3Read));
        const string denyData = """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::data/*"}]}""";

        var denied = Single(await host.CallAsync("SimulatePrincipalPolicy", ("PolicySourceArn", RoleArn), ("ActionNames.member.1", "s3:GetObject"),
            ("ResourceArns.member.1", "arn:aws:s3:::data/a"), ("PolicyInputList.member.1", denyData)), "SimulatePrincipalPolicy");
        var bounded = Single(await host.CallAsync("SimulatePrincipalPolicy", ("PolicySourceArn", RoleArn), ("ActionNames.member.1", "s3:GetObject"),
            ("ResourceArns.member.1", "arn:aws:s3:::data/a"), ("PermissionsBoundaryPolicyInputList.member.1", Docs.S3ReadOther)), "SimulatePrincipalPolicy");
        var paged = Result(await host.CallAsync("SimulateCustomPolicy", ("PolicyInputList.member.1", Docs.S3Read),
            ("ActionNames.member.1", "s3:GetObject"), ("ActionNames.member.2", "s3:ListBucket"), ("MaxItems", "1")), "SimulateCustomPolicy");

        Assert.Equal("explicitDeny", Text(denied, "EvalDecision"));
        Assert.Equal("PolicyInputList.1", Text(denied, "MatchedStatements/member/SourcePolicyId"));
        Assert.Equal("none", Text(denied, "MatchedStatements/member/SourcePolicyType"));
        Assert.Equal("implicitDeny", Text(bounded, "EvalDecision"));
        Assert.Equal("false", Text(bounded, "PermissionsBoundaryDecisionDetail/AllowedByPermissionsBoundary"));
        Assert.Equal("true", Text(paged, "IsTruncated"));
        Assert.Single(paged.Element(Ns + "EvaluationResults")!.Elements(Ns + "member"));
        var next = Result(await host.CallAsync("SimulateCustomPolicy", ("PolicyInputList.member.1", Docs.S3Read),
            ("ActionNames.member.1", "s3:GetObject"), ("ActionNames.member.2", "s3:ListBucket"), ("Marker", Text(paged, "Marker"))), "SimulateCustomPolicy");
        Assert.Equal("s3:ListBucket", Text(next, "EvaluationResults/member/EvalActionName"));
    }

    [Fact]
    public async Task Resource_policies_add_decision_details()
    {
        await using var host = await StartAsync();
        const string bucketPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}""";

        var result = Single(await host.CallAsync("SimulateCustomPolicy", ("PolicyInputList.member.1", Docs.S3Read), ("ActionNames.member.1", "s3:GetObject"),
            ("ResourceArns.member.1", "arn:aws:s3:::data/a"), ("ResourcePolicy", bucketPolicy), ("CallerArn", RoleArn)), "SimulateCustomPolicy");

        Assert.Equal("allowed", Text(result, "EvalDecision"));
        var details = result.Element(Ns + "EvalDecisionDetails")!.Elements(Ns + "entry").ToDictionary(e => Text(e, "key"), e => Text(e, "value"));
        Assert.Equal("allowed", details["IAM Policy"]);
    }

    [Fact]
    public async Task Simulation_errors()
    {
        await using var host = await StartAsync();

        var unknown = await host.FailAsync("SimulatePrincipalPolicy", ("PolicySourceArn", "arn:aws:iam::123456789012:role/nope"), ("ActionNames.member.1", "s3:GetObject"));
        var malformed = await host.FailAsync("SimulateCustomPolicy", ("PolicyInputList.member.1", "{"), ("ActionNames.member.1", "s3:GetObject"));
        var missing = await host.FailAsync("SimulateCustomPolicy", ("ActionNames.member.1", "s3:GetObject"));
        var assumedRole = await host.FailAsync("SimulateCustomPolicy", ("PolicyInputList.member.1", Docs.S3Read), ("ActionNames.member.1", "s3:GetObject"),
            ("CallerArn", "arn:aws:sts::123456789012:assumed-role/app/s"));

        Assert.Equal("NoSuchEntity", unknown.Code);
        Assert.Equal("InvalidInput", malformed.Code);
        Assert.Equal("ValidationError", missing.Code);
        Assert.Equal("InvalidInput", assumedRole.Code);
    }
}
