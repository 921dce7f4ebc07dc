using System.Security.Cryptography;
using System.Text;
using static Irsa.SigV4.Tests.TamperingTests;
using static Irsa.SigV4.Tests.VerifierTestKit;

namespace Irsa.SigV4.Tests;

public sealed class S3Tests
{
    public static SigV4Request SignedS3Get(DateTimeOffset at, string path = "/bucket/photos/a%20b.jpg")
    {
        var request = new SigV4Request("GET", path, "list-type=2&prefix=a", [new("Host", "s3.irsa.local:9000")], SigV4Payload.Empty);
        var signed = SigV4Signer.Sign(request, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "s3", at);
        return WithHeaders(request, signed.HeadersToAdd);
    }

    [Fact]
    public async Task S3_HeaderAuth_Verifies_AndPathIsEncodedOnce()
    {
        var request = SignedS3Get(Now);
        var result = await Verify(request);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("s3", result.Identity!.Scope.Service);
        Assert.Contains("x-amz-content-sha256", result.Identity.SignedHeaders);

        var signed = SigV4Signer.Sign(RemoveHeader(RemoveHeader(RemoveHeader(request, "Authorization"), "X-Amz-Date"), "X-Amz-Content-Sha256"),
            new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "s3", Now);
        Assert.StartsWith("GET\n/bucket/photos/a%20b.jpg\nlist-type=2&prefix=a\n", signed.CanonicalRequest, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherServices_DoubleEncodeAndNormalisePath()
    {
        var request = new SigV4Request("GET", "/a//b/./c%20d/../e", null, [new("Host", "h")], SigV4Payload.Empty);
        var signed = SigV4Signer.Sign(request, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "execute-api", Now);

        Assert.StartsWith("GET\n/a/b/e\n", signed.CanonicalRequest, StringComparison.Ordinal);
        var spaced = SigV4Signer.Sign(new SigV4Request("GET", "/c%20d", null, [new("Host", "h")], SigV4Payload.Empty),
            new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "execute-api", Now);
        Assert.StartsWith("GET\n/c%2520d\n", spaced.CanonicalRequest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3_MissingContentSha256_InvalidRequest()
    {
        var request = SignedS3Get(Now);
        var auth = request.GetHeader("Authorization")!.Replace("x-amz-content-sha256;", string.Empty, StringComparison.Ordinal);
        var stripped = ReplaceHeader(RemoveHeader(request, "X-Amz-Content-Sha256"), "Authorization", auth);

        AssertError(await Verify(stripped), "InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400);
    }

    [Fact]
    public async Task S3_UnsignedPayload_Verifies_AndIsReported()
    {
        var body = Encoding.UTF8.GetBytes("hello");
        var request = new SigV4Request("PUT", "/bucket/key", null, [new("Host", "s3.irsa.local")], SigV4Payload.FromBytes(body));
        var signed = SigV4Signer.Sign(request, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "s3", Now,
            new SigV4SigningOptions { PayloadHash = SigV4Constants.UnsignedPayload });
        var result = await Verify(WithHeaders(request, signed.HeadersToAdd));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(SigV4PayloadSigning.Unsigned, result.Identity!.PayloadSigning);
    }

    [Fact]
    public async Task S3_StreamingPayload_IsRecognisedAndReported()
    {
        var request = new SigV4Request("PUT", "/bucket/key", null,
            [new("Host", "s3.irsa.local"), new("Content-Encoding", "aws-chunked"), new("X-Amz-Decoded-Content-Length", "5")],
            SigV4Payload.Deferred());
        var signed = SigV4Signer.Sign(request, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "s3", Now,
            new SigV4SigningOptions { PayloadHash = SigV4Constants.StreamingPayload });
        var result = await Verify(WithHeaders(request, signed.HeadersToAdd));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(SigV4PayloadSigning.Streaming, result.Identity!.PayloadSigning);
        Assert.Equal(signed.Signature, result.Identity.Signature);
    }

    [Fact]
    public async Task S3_DeclaredHashDiffersFromBody_XAmzContentSHA256Mismatch()
    {
        var request = new SigV4Request("PUT", "/bucket/key", null, [new("Host", "s3.irsa.local")], SigV4Payload.FromBytes("hello"u8.ToArray()));
        var signed = SigV4Signer.Sign(request, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "s3", Now);
        var tampered = new SigV4Request("PUT", "/bucket/key", null, WithHeaders(request, signed.HeadersToAdd).Headers, SigV4Payload.FromBytes("hellO"u8.ToArray()));

        AssertError(await Verify(tampered), "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
    }

    [Fact]
    public async Task S3_DeferredPayload_TrustsDeclaredHash_AndSaysSo()
    {
        var body = "hello"u8.ToArray();
        var request = new SigV4Request("PUT", "/bucket/key", null, [new("Host", "s3.irsa.local")], SigV4Payload.FromBytes(body));
        var signed = SigV4Signer.Sign(request, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "s3", Now);
        var deferred = new SigV4Request("PUT", "/bucket/key", null, WithHeaders(request, signed.HeadersToAdd).Headers, SigV4Payload.Deferred());
        var result = await Verify(deferred);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(SigV4PayloadSigning.DeclaredNotChecked, result.Identity!.PayloadSigning);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), result.Identity.PayloadHash);
    }

    [Fact]
    public async Task S3_UnknownKey_InvalidAccessKeyId() =>
        AssertError(await Verify(WithHeaders(RemoveHeader(SignedS3Get(Now), "Authorization"),
            [new("Authorization", SignedS3Get(Now).GetHeader("Authorization")!.Replace(AccessKeyId, "AKIANOPE", StringComparison.Ordinal))])),
            "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);

    [Fact]
    public async Task S3_BadSignature_S3MessageWithCanonicalRequestDetails()
    {
        var request = ReplaceHeader(SignedS3Get(Now), "Host", "s3.irsa.local:9001");
        var result = await Verify(request);

        AssertError(result, "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.", 403);
        Assert.Contains(result.Error!.Details, d => d.Key == "CanonicalRequest" && d.Value.Contains("host:s3.irsa.local:9001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task S3_UnsignedAmzHeader_AccessDenied()
    {
        var request = WithHeaders(SignedS3Get(Now), [new("x-amz-acl", "public-read")]);

        AssertError(await Verify(request), "AccessDenied", "There were headers present in the request which were not signed", 403);
    }

    [Fact]
    public async Task S3_Presigned_DefaultsToUnsignedPayload_AndExpiresWithAccessDenied()
    {
        var request = new SigV4Request("GET", "/bucket/key", null, [new("Host", "s3.irsa.local")], SigV4Payload.Empty);
        var presigned = SigV4Signer.Presign(request, new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "s3", Now, TimeSpan.FromMinutes(5));
        var url = new SigV4Request("GET", "/bucket/key", presigned.Query, request.Headers, SigV4Payload.Empty);

        Assert.EndsWith("\nUNSIGNED-PAYLOAD", presigned.CanonicalRequest, StringComparison.Ordinal);
        var ok = await Verify(url, Now.AddMinutes(5));
        Assert.True(ok.Succeeded, ok.Error?.Message);
        Assert.Equal(SigV4PayloadSigning.Unsigned, ok.Identity!.PayloadSigning);

        var expired = await Verify(url, Now.AddMinutes(5).AddSeconds(1));
        AssertError(expired, "AccessDenied", "Request has expired", 403);
        Assert.Contains(new KeyValuePair<string, string>("X-Amz-Expires", "300"), expired.Error!.Details);
        Assert.Contains(new KeyValuePair<string, string>("Expires", "2026-08-07T12:05:00Z"), expired.Error.Details);
    }

    [Fact]
    public async Task S3_Unsigned_IsAnonymousInS3Dialect()
    {
        var request = new SigV4Request("GET", "/bucket/key", null, [new("Host", "s3.irsa.local")], SigV4Payload.Empty);
        var result = await Verifier().VerifyAsync(request, Resolve, SigV4ErrorDialect.S3);

        Assert.True(result.IsUnsigned);
        AssertError(result, "AccessDenied", "Access Denied", 403);
    }
}
