// Token issuance vs the raw signature it cannot avoid.
// Run: dotnet run -c Release --project bench/Irsa.Benchmarks -- --filter '*TokenIssuance*'
using System.Text;
using BenchmarkDotNet.Attributes;
using Irsa.Cluster.Keys;
using Irsa.Cluster.Tokens;

namespace Irsa.Benchmarks.Cluster;

/// <summary>
/// Cost of minting one IRSA-shaped service-account token (claims JSON, base64url, signing) against signing the same
/// number of bytes directly with the same key, which is the floor (baseline).
/// </summary>
[MemoryDiagnoser]
public class TokenIssuanceBenchmarks
{
    private ClusterSigningKey _key = null!;
    private ServiceAccountTokenIssuer _issuer = null!;
    private ServiceAccountTokenClaims _claims = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = null!;

    [Params(SigningAlgorithm.RS256, SigningAlgorithm.ES256)]
    public SigningAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _key = ClusterSigningKey.Generate(Algorithm);
        _issuer = new ServiceAccountTokenIssuer(TimeProvider.System);
        _claims = new ServiceAccountTokenClaims
        {
            Issuer = "https://oidc.example.com/id/D43CF17C27A865933144EA99A26FB128",
            Namespace = "payments",
            ServiceAccount = new ObjectRef("api", "a087d5a0-e1dd-43ec-93ac-f13d89cd13af"),
            Pod = new ObjectRef("api-69cbfb9798-jv9gn", "778a530c-b3f4-47c0-9cd5-ab018fb64f33"),
            Node = new ObjectRef("ip-10-0-1-23.ec2.internal", "58456cb0-dd00-45ed-b797-5578fdceaced"),
            Audiences = ["sts.amazonaws.com"],
            ExpirationSeconds = 86400,
        };

        // Same signing-input length as a real token, so the baseline hashes the same number of bytes.
        var token = _issuer.Issue(_key, _claims).Token;
        _signingInput = Encoding.ASCII.GetBytes(token[..token.LastIndexOf('.')]);
        _signature = new byte[_key.SignatureSize];
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark(Baseline = true)]
    public int RawSign() => _key.Sign(_signingInput, _signature);

    [Benchmark]
    public string IssueToken() => _issuer.Issue(_key, _claims).Token;
}
