// Policy engine throughput: decisions per second for a typical IRSA role.
// Run: dotnet run -c Release --project bench/Irsa.Benchmarks -- --filter '*Policy*'
using BenchmarkDotNet.Attributes;
using Irsa.Policy;

namespace Irsa.Benchmarks.Policy;

/// <summary>
/// Evaluates a compiled identity policy (s3:GetObject on one bucket prefix, no boundary) and an IRSA trust
/// policy. The baseline is a single context-key lookup, the cheapest step every evaluation performs.
/// </summary>
[MemoryDiagnoser]
public class PolicyEvaluationBenchmarks
{
    private const string Host = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE";
    private const string ProviderArn = "arn:aws:iam::111122223333:oidc-provider/" + Host;
    private const string RoleArn = "arn:aws:iam::111122223333:role/payments-api";

    private AuthorizationRequest _identityAllowed;
    private AuthorizationRequest _identityDenied;
    private AuthorizationRequest _trust;
    private RequestContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var identity = new PolicyEntry("payments-s3", PolicySourceType.Role, PolicyDocument.ParseValid("""
            {"Version":"2012-10-17","Statement":[{"Sid":"ReadReports","Effect":"Allow","Action":["s3:GetObject"],
              "Resource":"arn:aws:s3:::payments-data/reports/*"}]}
            """, PolicyKind.Identity));
        var trust = new PolicyEntry("trust", PolicySourceType.Resource, PolicyDocument.ParseValid("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"PROVIDER"},
              "Action":"sts:AssumeRoleWithWebIdentity",
              "Condition":{"StringEquals":{"HOST:sub":"system:serviceaccount:payments:api","HOST:aud":"sts.amazonaws.com"}}}]}
            """.Replace("PROVIDER", ProviderArn, StringComparison.Ordinal).Replace("HOST", Host, StringComparison.Ordinal), PolicyKind.Trust));

        var session = RequestPrincipal.AssumedRole("arn:aws:sts::111122223333:assumed-role/payments-api/s1", RoleArn);
        _context = RequestContext.CreateBuilder("s3:GetObject", "arn:aws:s3:::payments-data/reports/2025/06/01.csv")
            .WithPrincipal(session)
            .WithCurrentTime(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero))
            .Add("aws:SourceIp", "10.0.0.1")
            .Build();
        var denied = RequestContext.CreateBuilder("s3:GetObject", "arn:aws:s3:::payments-data/private/key")
            .WithPrincipal(session)
            .Build();
        var web = WebIdentityContext.CreateBuilder(
            RoleArn,
            ProviderArn,
            "https://" + Host,
            new WebIdentityClaims { Subject = "system:serviceaccount:payments:api", Audience = "sts.amazonaws.com" },
            new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero),
            roleSessionName: "botocore-session-1").Build();

        _identityAllowed = new AuthorizationRequest(_context) { IdentityPolicies = [identity] };
        _identityDenied = new AuthorizationRequest(denied) { IdentityPolicies = [identity] };
        _trust = AuthorizationRequest.ForTrustPolicy(web, trust);
    }

    [Benchmark(Baseline = true)]
    public bool ContextKeyLookup() => _context.TryGetSingleValue("AWS:SourceIp", out _);

    [Benchmark]
    public PolicyDecision IdentityPolicy_Allowed() => PolicyEvaluator.Evaluate(in _identityAllowed).Decision;

    [Benchmark]
    public PolicyDecision IdentityPolicy_ImplicitDeny() => PolicyEvaluator.Evaluate(in _identityDenied).Decision;

    [Benchmark]
    public PolicyDecision TrustPolicy_WebIdentity() => PolicyEvaluator.Evaluate(in _trust).Decision;
}
