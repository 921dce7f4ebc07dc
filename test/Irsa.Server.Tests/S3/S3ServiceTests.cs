using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Irsa.Core.Security;
using Irsa.Iam.Accounts;
using Irsa.Server.Tests.Aws;
using Irsa.SigV4;
using Irsa.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Irsa.Server.Tests.S3;

/// <summary>
/// S3 on a real server through the AWS SDK for .NET and raw signed HTTP: cross-account access as AWS combines the two
/// sides, presigned URLs, and hostile input answered with S3's exact error, nothing stored, never a 500.
/// </summary>
public sealed class S3ServiceTests : IAsyncLifetime
{
    private const string OtherAccount = "222233334444";
    private IrsaTestServer _server = null!;

    public async Task InitializeAsync() => _server = await IrsaTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Cross_account_reads_need_a_bucket_policy_that_names_the_caller()
    {
        using var owner = Client(_server.Admin);
        await owner.PutBucketAsync("shared-a");
        await owner.PutObjectAsync(new PutObjectRequest { BucketName = "shared-a", Key = "report.txt", ContentBody = "numbers" });
        var other = await OtherAccountAdminAsync();
        using var stranger = Client(other);

        var before = await Assert.ThrowsAsync<AmazonS3Exception>(() => stranger.GetObjectAsync("shared-a", "report.txt"));
        Assert.Equal("AccessDenied", before.ErrorCode);
        Assert.EndsWith("because no resource-based policy allows the s3:GetObject action", before.Message, StringComparison.Ordinal);

        await owner.PutBucketPolicyAsync("shared-a", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{OtherAccount}}:root"},
              "Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-a/*"}]}
            """);
        using (var read = await stranger.GetObjectAsync("shared-a", "report.txt"))
        {
            Assert.Equal("numbers", await new StreamReader(read.ResponseStream).ReadToEndAsync());
        }

        // Granted to someone else in that account: the caller's own admin rights do not make up for the missing grant.
        await owner.PutBucketPolicyAsync("shared-a", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{OtherAccount}}:role/auditor"},
              "Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-a/*"}]}
            """);
        var after = await Assert.ThrowsAsync<AmazonS3Exception>(() => stranger.GetObjectAsync("shared-a", "report.txt"));
        Assert.Equal("AccessDenied", after.ErrorCode);
        Assert.EndsWith("because no resource-based policy allows the s3:GetObject action", after.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cross_account_reads_also_need_the_callers_own_identity_policy()
    {
        using var owner = Client(_server.Admin);
        await owner.PutBucketAsync("shared-b");
        await owner.PutObjectAsync(new PutObjectRequest { BucketName = "shared-b", Key = "report.txt", ContentBody = "numbers" });
        await owner.PutBucketPolicyAsync("shared-b", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{OtherAccount}}:root"},
              "Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-b/*"}]}
            """);
        // In the other account: a role with no permissions, assumed by that account's admin.
        var other = await OtherAccountAdminAsync();
        var trust = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{OtherAccount}}:root"},"Action":"sts:AssumeRole"}]}""";
        var created = await AwsCalls.IamAsync(_server, "Action=CreateRole&RoleName=reader&AssumeRolePolicyDocument=" + AwsCalls.Escape(trust), other);
        Assert.True(created.Status == HttpStatusCode.OK, created.Body);
        using var sts = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials(other.AccessKeyId, other.SecretAccessKey),
            new AmazonSecurityTokenServiceConfig { ServiceURL = _server.Url, AuthenticationRegion = "us-east-1" });
        var session = (await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = $"arn:aws:iam::{OtherAccount}:role/reader",
            RoleSessionName = "cross",
        })).Credentials;
        using var reader = new AmazonS3Client(new SessionAWSCredentials(session.AccessKeyId, session.SecretAccessKey, session.SessionToken),
            new AmazonS3Config { ServiceURL = _server.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

        // The bucket's grant to the account is one side; across accounts the role's own policies must allow too.
        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => reader.GetObjectAsync("shared-b", "report.txt"));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.Contains($"arn:aws:sts::{OtherAccount}:assumed-role/reader/cross", denied.Message, StringComparison.Ordinal);
        Assert.EndsWith("because no identity-based policy allows the s3:GetObject action", denied.Message, StringComparison.Ordinal);

        var granted = await AwsCalls.IamAsync(_server, "Action=PutRolePolicy&RoleName=reader&PolicyName=read&PolicyDocument=" + AwsCalls.Escape(
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-b/*"}]}"""), other);
        Assert.True(granted.Status == HttpStatusCode.OK, granted.Body);
        using var read = await reader.GetObjectAsync("shared-b", "report.txt");
        Assert.Equal("numbers", await new StreamReader(read.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Presigned_get_and_put_urls_work_and_a_forged_one_does_not()
    {
        using var s3 = Client(_server.Admin);
        await s3.PutBucketAsync("presigned");
        var put = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = "presigned",
            Key = "upload.txt",
            Verb = HttpVerb.PUT,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Protocol.HTTP,
        });
        using (var upload = await _server.Http.PutAsync(put, new StringContent("via presigned PUT")))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }

        var get = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = "presigned",
            Key = "upload.txt",
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Protocol.HTTP,
        });
        Assert.Equal("via presigned PUT", await _server.Http.GetStringAsync(get));

        var signature = get[(get.IndexOf("X-Amz-Signature=", StringComparison.Ordinal) + "X-Amz-Signature=".Length)..][..64];
        var forged = get.Replace(signature, signature[..63] + (signature[63] == '0' ? '1' : '0'), StringComparison.Ordinal);
        using var refused = await _server.Http.GetAsync(forged);
        var error = XDocument.Parse(await refused.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Error", error.Name.LocalName);
        Assert.Equal("SignatureDoesNotMatch", error.Element("Code")!.Value);
        Assert.Equal(refused.Headers.GetValues("x-amz-request-id").Single(), error.Element("RequestId")!.Value);
    }

    [Theory]
    [InlineData("PUT", "/Bad_Bucket", null, null, "InvalidBucketName", 400)]
    [InlineData("PUT", "/ab", null, null, "InvalidBucketName", 400)]
    [InlineData("POST", "/hostile?delete", "<Delete><Object><Key>a</Key></Object>", "Content-MD5: {md5}", "MalformedXML", 400)]
    [InlineData("PUT", "/hostile", "<CreateBucketConfiguration><LocationConstraint>", null, "MalformedXML", 400)]
    [InlineData("PUT", "/hostile/md5.txt", "payload", "Content-MD5: AAAAAAAAAAAAAAAAAAAAAA==", "BadDigest", 400)]
    [InlineData("PUT", "/hostile/md5-garbage.txt", "payload", "Content-MD5: not-base64", "InvalidDigest", 400)]
    [InlineData("PUT", "/hostile/crc.txt", "payload", "x-amz-checksum-crc32: AAAAAA==", "BadDigest", 400)]
    [InlineData("GET", "/no-such-bucket-here/key", null, null, "NoSuchBucket", 404)]
    [InlineData("GET", "/hostile?acl", null, null, "NotImplemented", 501)]
    [InlineData("PUT", "/hostile/bad%FFutf8", "payload", null, "InvalidURI", 400)]
    public async Task Hostile_requests_get_s3s_exact_error_and_store_nothing(string method, string pathAndQuery, string? body, string? header,
        string code, int status)
    {
        using var s3 = Client(_server.Admin);
        await s3.PutBucketAsync("hostile");
        // {md5} is the body's own Content-MD5 (DeleteObjects requires one), so only the XML is at fault.
#pragma warning disable CA5351 // S3's Content-MD5 is MD5 by definition; it is an integrity check, not security.
        var md5 = body is null ? "" : Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(body)));
#pragma warning restore CA5351
        var extra = header is null ? [] : new[] { KeyValuePair.Create(header.Split(": ")[0], header.Split(": ")[1].Replace("{md5}", md5, StringComparison.Ordinal)) };

        using var response = await SendS3Async(method, pathAndQuery, body is null ? null : Encoding.UTF8.GetBytes(body), null, extra);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, text);
        Assert.Equal(code, XDocument.Parse(text).Root!.Element("Code")!.Value);
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "hostile" });
        Assert.Empty(listing.S3Objects ?? []);
    }

    [Fact]
    public async Task A_truncated_or_forged_chunked_body_stores_nothing()
    {
        using var s3 = Client(_server.Admin);
        await s3.PutBucketAsync("chunked");
        KeyValuePair<string, string>[] unsignedChunks =
        [
            new("Content-Encoding", "aws-chunked"), new("x-amz-decoded-content-length", "11"), new("x-amz-trailer", "x-amz-checksum-crc32"),
        ];

        // Ends in the middle of the first chunk.
        using var truncated = await SendS3Async("PUT", "/chunked/truncated.txt", "b\r\nhello"u8.ToArray(), SigV4Constants.StreamingUnsignedPayloadTrailer, unsignedChunks);
        // Whole framing, but the trailer's CRC32 is not the data's.
        using var forged = await SendS3Async("PUT", "/chunked/forged.txt", "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"u8.ToArray(),
            SigV4Constants.StreamingUnsignedPayloadTrailer, unsignedChunks);
        // A signed chunk whose signature is not the chain's.
        using var badSignature = await SendS3Async("PUT", "/chunked/signed.txt",
            Encoding.ASCII.GetBytes($"b;chunk-signature={new string('0', 64)}\r\nhello world\r\n0;chunk-signature={new string('0', 64)}\r\n\r\n"),
            SigV4Constants.StreamingPayload, [new("Content-Encoding", "aws-chunked"), new("x-amz-decoded-content-length", "11")]);

        Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);
        Assert.Equal("IncompleteBody", Code(await truncated.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("BadDigest", Code(await forged.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, badSignature.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", Code(await badSignature.Content.ReadAsStringAsync()));
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "chunked" });
        Assert.Empty(listing.S3Objects ?? []);
    }

    [Fact]
    public async Task Non_ascii_metadata_is_signed_stored_and_returned_byte_for_byte()
    {
        using var s3 = Client(_server.Admin);
        await s3.PutBucketAsync("meta");
        // As botocore sends it: the value's UTF-8 bytes on the wire, signed over the same bytes.
        using var utf8 = new HttpClient(new SocketsHttpHandler
        {
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
            ResponseHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        });

        using var put = await SendS3Async("PUT", "/meta/k", "x"u8.ToArray(), null, [new("x-amz-meta-note", "Hello Worldé")], utf8);
        using var head = await SendS3Async("HEAD", "/meta/k", null, null, [], utf8);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Hello Worldé", head.Headers.GetValues("x-amz-meta-note").Single());
    }

    [Fact]
    public async Task A_list_is_a_data_event_naming_the_bucket_and_the_listed_prefix()
    {
        using var s3 = Client(_server.Admin);
        await s3.PutBucketAsync("listed");
        await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "listed", Prefix = "logs/" });

        var lookup = await AwsCli.RunAsync(_server, "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=ListObjects");

        Assert.True(lookup.Code == 0, lookup.Error);
        var record = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.Nodes.JsonNode.Parse(lookup.Output)!["Events"]![0]!["CloudTrailEvent"]!.GetValue<string>())!;
        Assert.Equal("Data", record["eventCategory"]!.GetValue<string>());
        Assert.Equal("2", record["requestParameters"]!["list-type"]!.GetValue<string>());
        Assert.Equal("logs/", record["requestParameters"]!["prefix"]!.GetValue<string>());
        var resources = record["resources"]!.AsArray();
        Assert.Contains(resources, r => r!["type"]!.GetValue<string>() == "AWS::S3::Bucket" && r["ARN"]!.GetValue<string>() == "arn:aws:s3:::listed"
            && r["accountId"]!.GetValue<string>() == _server.AccountId);
        Assert.Contains(resources, r => r!["type"]!.GetValue<string>() == "AWS::S3::Object" && r["ARNPrefix"]?.GetValue<string>() == "arn:aws:s3:::listed/logs/");
    }

    [Fact]
    public async Task A_signature_version_2_url_is_refused_in_s3s_words()
    {
        using var response = await _server.Http.GetAsync(_server.Url + "/any-bucket/key?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=abc%3D&Expires=1900000000");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRequest", Code(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_bucket_named_like_a_server_endpoint_is_still_s3s()
    {
        using var s3 = Client(_server.Admin);
        await s3.PutBucketAsync("healthz");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "healthz", Key = "metrics", ContentBody = "mine" });

        using var read = await s3.GetObjectAsync("healthz", "metrics");

        Assert.Equal("mine", await new StreamReader(read.ResponseStream).ReadToEndAsync());
        Assert.Equal("ok", await _server.Http.GetStringAsync(_server.Url + "/healthz"));
    }

    private static string Code(string xml) => XDocument.Parse(xml).Root!.Element("Code")!.Value;

    private AmazonS3Client Client(SigV4Credentials credentials) => new(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey),
        new AmazonS3Config { ServiceURL = _server.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>A raw request signed for s3 with Irsa's signer; <paramref name="payloadHash"/> overrides the body's SHA-256 (STREAMING-*).</summary>
    private async Task<HttpResponseMessage> SendS3Async(string method, string pathAndQuery, byte[]? body, string? payloadHash,
        IEnumerable<KeyValuePair<string, string>> extraHeaders, HttpClient? http = null)
    {
        var uri = new Uri(_server.Url + pathAndQuery);
        var headers = new List<KeyValuePair<string, string>> { new("host", uri.Authority) };
        headers.AddRange(extraHeaders);
        var request = new SigV4Request(method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, SigV4Payload.FromBytes(body ?? []));
        var signed = SigV4Signer.Sign(request, _server.Admin, "us-east-1", "s3", DateTimeOffset.UtcNow,
            new SigV4SigningOptions { PayloadHash = payloadHash });
        using var message = new HttpRequestMessage(new HttpMethod(method), uri);
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var (name, value) in signed.HeadersToAdd.Concat(extraHeaders))
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await (http ?? _server.Http).SendAsync(message);
    }

    /// <summary>A second account on the same server, with its admin user and key.</summary>
    private async Task<SigV4Credentials> OtherAccountAdminAsync()
    {
        var services = _server.Server.Services;
        var admin = await new IamBootstrap(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<SecretProtector>(), TimeProvider.System)
            .EnsureAccountAsync(OtherAccount);
        return new SigV4Credentials(admin.AccessKeyId, admin.SecretAccessKey);
    }
}
