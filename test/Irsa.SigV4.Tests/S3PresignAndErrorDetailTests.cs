using System.Security.Cryptography;
using System.Text;
using static Irsa.SigV4.Tests.TamperingTests;
using static Irsa.SigV4.Tests.VerifierTestKit;

namespace Irsa.SigV4.Tests;

/// <summary>S3's presigned-URL rules and the detail elements S3 adds to its error XML.</summary>
public sealed class S3PresignAndErrorDetailTests
{
    private static readonly SigV4Credentials Credentials = new(AccessKeyId, Secret);

    [Theory]
    [InlineData("604801", "X-Amz-Expires must be less than a week (in seconds) that is; 604800")]
    [InlineData("0", "X-Amz-Expires must be greater than 0")]
    [InlineData("-1", "X-Amz-Expires must be non-negative")]
    [InlineData("soon", "X-Amz-Expires should be a number")]
    public async Task S3Presign_ExpiresOutOfRange_AuthorizationQueryParametersError403(string expires, string message)
    {
        var url = PresignedGet(out _);
        var query = url.RawQuery.Replace("X-Amz-Expires=300", "X-Amz-Expires=" + expires, StringComparison.Ordinal);

        var result = await Verify(new SigV4Request("GET", url.RawPath, query, url.Headers, SigV4Payload.Empty));

        AssertError(result, "AuthorizationQueryParametersError", message, 403);
    }

    [Fact]
    public async Task S3Presign_Expired_AccessDeniedWithExpiresDetails()
    {
        var result = await Verify(PresignedGet(out _), Now.AddSeconds(301));

        AssertError(result, "AccessDenied", "Request has expired", 403);
        Assert.Equal(["X-Amz-Expires", "Expires", "ServerTime"], result.Error!.Details.Select(d => d.Key));
        Assert.Equal("2026-08-07T12:05:01Z", result.Error.Details[2].Value);
    }

    [Fact]
    public async Task S3Presign_UnsignedAmzHeader_AccessDenied()
    {
        var url = PresignedGet(out _);
        var request = WithHeaders(url, [new("x-amz-server-side-encryption", "AES256")]);

        var result = await Verify(request);

        AssertError(result, "AccessDenied", "There were headers present in the request which were not signed", 403);
        Assert.Contains(new KeyValuePair<string, string>("HeadersNotSigned", "x-amz-server-side-encryption"), result.Error!.Details);
    }

    [Fact]
    public async Task S3Presign_SignedAmzHeader_Verifies()
    {
        var request = new SigV4Request("PUT", "/bucket/key", null,
            [new("Host", "s3.irsa.local"), new("x-amz-server-side-encryption", "AES256")], SigV4Payload.Empty);
        var presigned = SigV4Signer.Presign(request, Credentials, "us-east-1", "s3", Now, TimeSpan.FromMinutes(5));

        var result = await Verify(new SigV4Request("PUT", "/bucket/key", presigned.Query, request.Headers, SigV4Payload.Empty));

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public async Task S3Presign_ContentSha256QueryParameter_IsTheSignedPayloadHash()
    {
        var body = "hello"u8.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        var request = new SigV4Request("PUT", "/bucket/key", "X-Amz-Content-Sha256=" + hash, [new("Host", "s3.irsa.local")], SigV4Payload.FromBytes(body));
        var presigned = SigV4Signer.Presign(request, Credentials, "us-east-1", "s3", Now, TimeSpan.FromMinutes(5),
            new SigV4SigningOptions { PayloadHash = hash });

        var ok = await Verify(new SigV4Request("PUT", "/bucket/key", presigned.Query, request.Headers, SigV4Payload.FromBytes(body)));
        var tampered = await Verify(new SigV4Request("PUT", "/bucket/key", presigned.Query, request.Headers, SigV4Payload.FromBytes("hellO"u8.ToArray())));

        Assert.True(ok.Succeeded, ok.Error?.Message);
        Assert.Equal(SigV4PayloadSigning.Signed, ok.Identity!.PayloadSigning);
        Assert.Equal(hash, ok.Identity.PayloadHash);
        AssertError(tampered, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
    }

    [Fact]
    public async Task S3SignatureDoesNotMatch_CarriesS3DetailsInS3Order()
    {
        var request = ReplaceHeader(S3Tests.SignedS3Get(Now), "Host", "s3.irsa.local:9001");

        var error = (await Verify(request)).Error!;

        Assert.Equal(
            ["AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes"],
            error.Details.Select(d => d.Key));
        var details = error.Details.ToDictionary(d => d.Key, d => d.Value);
        Assert.Equal(AccessKeyId, details["AWSAccessKeyId"]);
        Assert.StartsWith("41 57 53 34 2d 48 4d 41 43 2d 53 48 41 32 35 36 0a ", details["StringToSignBytes"], StringComparison.Ordinal);
        Assert.Equal(details["StringToSign"], Decode(details["StringToSignBytes"]));
        Assert.Equal(details["CanonicalRequest"], Decode(details["CanonicalRequestBytes"]));
    }

    [Fact]
    public async Task S3RequestTimeTooSkewed_CarriesRequestTimeServerTimeAndMaxSkew()
    {
        var result = await Verify(S3Tests.SignedS3Get(Now), Now.AddMinutes(16));

        AssertError(result, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", 403);
        Assert.Equal(
            [new("RequestTime", "20260807T120000Z"), new("ServerTime", "2026-08-07T12:16:00Z"), new("MaxAllowedSkewMilliseconds", "900000")],
            result.Error!.Details);
    }

    private static SigV4Request PresignedGet(out SigV4PresignedRequest presigned)
    {
        var request = new SigV4Request("GET", "/bucket/key", null, [new("Host", "s3.irsa.local")], SigV4Payload.Empty);
        presigned = SigV4Signer.Presign(request, Credentials, "us-east-1", "s3", Now, TimeSpan.FromMinutes(5));
        return new SigV4Request("GET", "/bucket/key", presigned.Query, request.Headers, SigV4Payload.Empty);
    }

    private static string Decode(string spacedHex) => Encoding.UTF8.GetString(Convert.FromHexString(spacedHex.Replace(" ", string.Empty, StringComparison.Ordinal)));
}
