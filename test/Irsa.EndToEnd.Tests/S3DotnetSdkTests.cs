using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// The AWS SDK for .NET v4 as a pod's workload: the pod's projected token buys the role's session through STS, and
/// AWSSDK.S3 uses it with a host-name endpoint, so buckets are addressed virtual-hosted style (<c>bucket-a.localhost</c>)
/// and uploads go as signed aws-chunked bodies with a checksum trailer, the SDK's default.
/// </summary>
public sealed class S3DotnetSdkTests(S3Demo demo) : IClassFixture<S3Demo>
{
    [Fact]
    public async Task Dotnet_sdk_reads_uploads_multipart_where_allowed_and_is_denied_elsewhere()
    {
        using var s3 = new AmazonS3Client(await PodCredentialsAsync("dotnet-app"), new AmazonS3Config
        {
            ServiceURL = demo.Irsa.Endpoint.Replace("127.0.0.1", "localhost", StringComparison.Ordinal),
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new LoopbackSubdomains(),
        });

        using var read = await s3.GetObjectAsync(S3Demo.ReadBucket, S3Demo.ReadKey);
        using var reader = new StreamReader(read.ResponseStream);
        Assert.Equal(S3Demo.ReadContent, await reader.ReadToEndAsync());

        // 12 MiB through TransferUtility: three 5 MiB-or-less parts (multipart), allowed under uploads/.
        var data = new byte[12 * 1024 * 1024];
        new Random(7).NextBytes(data);
        // Parts from 5 MiB up (the SDK's default threshold is 16 MiB, which would send one PutObject).
        using (var transfer = new TransferUtility(s3, new TransferUtilityConfig { MinSizeBeforePartUpload = 5 * 1024 * 1024 }))
        {
            await transfer.UploadAsync(new TransferUtilityUploadRequest
            {
                BucketName = S3Demo.ReadBucket,
                Key = "uploads/from-dotnet.bin",
                InputStream = new MemoryStream(data),
                PartSize = 5 * 1024 * 1024,
            });
        }

        using var back = await s3.GetObjectAsync(S3Demo.ReadBucket, "uploads/from-dotnet.bin");
        using var copy = new MemoryStream();
        await back.ResponseStream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
        Assert.EndsWith("-3\"", back.ETag, StringComparison.Ordinal);

        var deniedWrite = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = S3Demo.ReadBucket,
            Key = "not-allowed.txt",
            ContentBody = "no",
        }));
        Assert.Equal("AccessDenied", deniedWrite.ErrorCode);
        var deniedRead = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(S3Demo.OtherBucket, S3Demo.ReadKey));
        Assert.Equal("AccessDenied", deniedRead.ErrorCode);
    }

    /// <summary>The role's session for a pod's projected token, as the SDK's web identity provider would get it.</summary>
    private async Task<AWSCredentials> PodCredentialsAsync(string podName)
    {
        using var kube = await KubeApi.FromKubeconfigAsync(demo.Irsa, "demo");
        var (podStatus, pod) = await kube.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = podName },
            ["spec"] = new JsonObject
            {
                ["serviceAccountName"] = "app",
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "app" }),
            },
        });
        Assert.True(podStatus == 201, pod.ToJsonString());
        var (tokenStatus, tokenRequest) = await kube.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/app/token", new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenRequest",
            ["spec"] = new JsonObject
            {
                ["audiences"] = new JsonArray("sts.amazonaws.com"),
                ["expirationSeconds"] = 3600,
                ["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = podName, ["uid"] = pod["metadata"]!["uid"]!.GetValue<string>() },
            },
        });
        Assert.True(tokenStatus == 201, tokenRequest.ToJsonString());

        using var sts = new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = demo.Irsa.Endpoint,
            AuthenticationRegion = "us-east-1",
        });
        var session = await sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
        {
            RoleArn = demo.AppRoleArn,
            RoleSessionName = podName,
            WebIdentityToken = tokenRequest["status"]!["token"]!.GetValue<string>(),
        });
        var credentials = session.Credentials;
        return new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
    }

    /// <summary>
    /// <c>BUCKET.localhost</c> is loopback (RFC 6761), which this machine's resolver does not say; a wildcard DNS record
    /// would. The SDK's own HTTP client connects there.
    /// </summary>
    private sealed class LoopbackSubdomains : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var host = context.DnsEndPoint.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" : context.DnsEndPoint.Host;
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(host, context.DnsEndPoint.Port, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });
    }
}
