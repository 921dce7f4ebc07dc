using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.SigV4.Tests;

/// <summary>Builds typical signed requests and a verifier with a fake clock and an in-memory key table.</summary>
internal static class VerifierTestKit
{
    public const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public const string SessionKeyId = "ASIAIOSFODNN7EXAMPLE";
    public const string SessionToken = "FwoGZXIvYXdzEXAMPLETOKEN+/=";
    public static readonly DateTimeOffset Now = new(2026, 8, 7, 12, 0, 0, TimeSpan.Zero);
    public const string StsBody = "Action=GetCallerIdentity&Version=2011-06-15";

    public static SigV4Request StsPost(string body = StsBody, string host = "sts.irsa.local:8443") => new(
        "POST",
        "/",
        null,
        [
            new("Host", host),
            new("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            new("Content-Length", Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ],
        SigV4Payload.FromBytes(Encoding.UTF8.GetBytes(body)));

    public static SigV4Request WithHeaders(SigV4Request request, IEnumerable<KeyValuePair<string, string>> added, SigV4Payload? payload = null) =>
        new(request.Method, request.RawPath, request.RawQuery, request.Headers.Concat(added).ToList(), payload ?? request.Payload);

    public static SigV4Request SignedStsPost(
        DateTimeOffset? at = null, string region = "us-east-1", string service = "sts", SigV4Credentials? credentials = null)
    {
        var request = StsPost();
        var signed = SigV4Signer.Sign(request, credentials ?? new SigV4Credentials(AccessKeyId, Secret), region, service, at ?? Now);
        return WithHeaders(request, signed.HeadersToAdd);
    }

    public static SigV4Request ReplaceHeader(SigV4Request request, string name, string value) => new(
        request.Method,
        request.RawPath,
        request.RawQuery,
        request.Headers.Select(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase) ? new(h.Key, value) : h).ToList(),
        request.Payload);

    public static SigV4Request RemoveHeader(SigV4Request request, string name) => new(
        request.Method,
        request.RawPath,
        request.RawQuery,
        request.Headers.Where(h => !string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).ToList(),
        request.Payload);

    public static SigV4Verifier Verifier(DateTimeOffset? now = null, SigV4VerifierOptions? options = null) =>
        new(new FakeTimeProvider(now ?? Now), options);

    public static ValueTask<SigV4KeyResolution> Resolve(SigV4KeyRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(request.AccessKeyId switch
        {
            AccessKeyId => SigV4KeyResolution.Found(Secret, principal: "user/alice"),
            SessionKeyId => SigV4KeyResolution.Found(Secret, SessionToken, "assumed-role/app/session"),
            "ASIAEXPIRED" => SigV4KeyResolution.Expired(),
            _ => SigV4KeyResolution.NotFound(),
        });

    public static ValueTask<SigV4Result> Verify(SigV4Request request, DateTimeOffset? now = null, SigV4VerifierOptions? options = null) =>
        Verifier(now, options).VerifyAsync(request, Resolve);
}
