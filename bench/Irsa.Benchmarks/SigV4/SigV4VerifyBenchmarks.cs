// Run: dotnet run -c Release --project bench/Irsa.Benchmarks -- --filter '*SigV4*'
//
// Verifying a typical STS POST (header auth, form body, cached signing key) against the bare cryptographic
// floor measured in the same run: SHA-256 of the canonical request plus one HMAC-SHA256 of the string to sign.
// The gap is the cost of parsing, canonicalisation and checks. The session-token case signs a GetCallerIdentity with
// an ASIA key and a 1.3 KB token, as a pod does, with a resolver that hands back the presented token (as the server's does).
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Irsa.SigV4;

namespace Irsa.Benchmarks.SigV4;

[MemoryDiagnoser]
public class SigV4VerifyBenchmarks
{
    private const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Now = new(2026, 8, 7, 12, 0, 0, TimeSpan.Zero);

    private static readonly SigV4KeyResolver Resolver = static (_, _) =>
        ValueTask.FromResult(SigV4KeyResolution.Found(Secret));

    private SigV4Verifier _verifier = null!;
    private SigV4Request _request = null!;
    private byte[] _canonicalRequest = null!;
    private byte[] _stringToSign = null!;
    private byte[] _signingKey = null!;

    private static readonly string SessionToken = new('t', 1300);

    private static readonly SigV4KeyResolver SessionResolver = static (request, _) =>
        ValueTask.FromResult(SigV4KeyResolution.Found(Secret, request.SessionToken));

    private SigV4Request _sessionRequest = null!;

    [GlobalSetup]
    public void Setup()
    {
        SetupSessionRequest();
        var body = Encoding.UTF8.GetBytes(
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fapp&RoleSessionName=botocore-session-1754568000&WebIdentityToken=eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJodHRwczovL2lyc2EubG9jYWwiLCJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAifQ.c2lnbmF0dXJl");
        var unsigned = new SigV4Request(
            "POST",
            "/",
            null,
            [
                new("Host", "sts.irsa.local:8443"),
                new("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("User-Agent", "aws-sdk-dotnet/4.0 ua/2.1 os/linux lang/.NET_Core"),
                new("amz-sdk-invocation-id", "3f0c2a2e-7c1a-4c59-9d8e-1d1f4e0a9b11"),
                new("amz-sdk-request", "attempt=1; max=3"),
            ],
            SigV4Payload.FromBytes(body));
        var signed = SigV4Signer.Sign(unsigned, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "sts", Now);
        _request = new SigV4Request("POST", "/", null, unsigned.Headers.Concat(signed.HeadersToAdd).ToList(), unsigned.Payload);

        _verifier = new SigV4Verifier(new FixedTime(Now));
        _canonicalRequest = Encoding.UTF8.GetBytes(signed.CanonicalRequest);
        _stringToSign = Encoding.UTF8.GetBytes(signed.StringToSign);
        _signingKey = RandomNumberGenerator.GetBytes(32);

        // Warm the signing-key cache and make sure the request really verifies.
        var result = _verifier.VerifyAsync(_request, Resolver).AsTask().GetAwaiter().GetResult();
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Error!.Message);
        }

        var session = _verifier.VerifyAsync(_sessionRequest, SessionResolver).AsTask().GetAwaiter().GetResult();
        if (!session.Succeeded)
        {
            throw new InvalidOperationException(session.Error!.Message);
        }
    }

    private void SetupSessionRequest()
    {
        var body = Encoding.UTF8.GetBytes("Action=GetCallerIdentity&Version=2011-06-15");
        var unsigned = new SigV4Request(
            "POST",
            "/",
            null,
            [
                new("Host", "127.0.0.1:8080"),
                new("Content-Type", "application/x-www-form-urlencoded"),
                new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            SigV4Payload.FromBytes(body));
        var signed = SigV4Signer.Sign(unsigned, new SigV4Credentials("ASIAIOSFODNN7EXAMPLE", Secret, SessionToken), "us-east-1", "sts", Now);
        _sessionRequest = new SigV4Request("POST", "/", null, unsigned.Headers.Concat(signed.HeadersToAdd).ToList(), unsigned.Payload);
    }

    [Benchmark(Baseline = true, Description = "SHA-256(canonical request) + HMAC-SHA256(string to sign)")]
    public byte RawCryptoFloor()
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(_canonicalRequest, hash);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_signingKey, _stringToSign, mac);
        return (byte)(hash[0] ^ mac[0]);
    }

    [Benchmark(Description = "Verify STS POST (cached signing key)")]
    public bool VerifyStsPost() => _verifier.VerifyAsync(_request, Resolver).AsTask().GetAwaiter().GetResult().Succeeded;

    [Benchmark(Description = "Verify GetCallerIdentity with a 1.3 KB session token")]
    public bool VerifySessionCall() => _verifier.VerifyAsync(_sessionRequest, SessionResolver).AsTask().GetAwaiter().GetResult().Succeeded;

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
