using System.Reflection;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using static Irsa.SigV4.Tests.VerifierTestKit;

namespace Irsa.SigV4.Tests;

/// <summary>The AWS SDK for .NET's own signer as an independent oracle: what it signs, the verifier must accept.</summary>
public sealed class AwsSdkOracleTests
{
    [Theory]
    [InlineData("sts", "us-east-1", "https://sts.irsa.local:8443", "/", "")]
    [InlineData("iam", "eu-west-1", "http://127.0.0.1:9000", "/iam", "")]
    [InlineData("sts", "us-west-2", "https://sts.irsa.local", "/", "Action=GetCallerIdentity&Version=2011-06-15&Empty=")]
    public async Task SdkSignedPost_Verifies(string service, string region, string endpoint, string path, string query)
    {
        var body = Encoding.UTF8.GetBytes("Action=GetCallerIdentity&Version=2011-06-15&Tags.member.1.Key=a%20b");
        var sdkRequest = new DefaultRequest(new OracleRequest(), service)
        {
            HttpMethod = "POST",
            Endpoint = new Uri(endpoint),
            ResourcePath = path,
            Content = body,
        };
        sdkRequest.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=');
            sdkRequest.Parameters[parts[0]] = parts.Length > 1 ? parts[1] : string.Empty;
            sdkRequest.UseQueryString = true;
        }

        var signing = new AWS4Signer().SignRequest(sdkRequest, OracleConfig.Create(region, service), null, AccessKeyId, Secret, Now.UtcDateTime);
        sdkRequest.Headers["Authorization"] = signing.ForAuthorizationHeader;

        var headers = sdkRequest.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToList();
        if (!headers.Exists(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Host", new Uri(endpoint).IsDefaultPort ? new Uri(endpoint).Host : new Uri(endpoint).Authority));
        }

        var request = new SigV4Request("POST", path, query, headers, SigV4Payload.FromBytes(body));
        var result = await Verify(request);

        Assert.True(result.Succeeded, result.Error?.Message + " " + string.Join(", ", headers.Select(h => h.Key + "=" + h.Value)));
        Assert.Equal(region, result.Identity!.Scope.Region);
        Assert.Equal(service, result.Identity.Scope.Service);

        // And our signer agrees with the SDK byte for byte on the same input.
        var ours = SigV4Signer.Sign(
            new SigV4Request("POST", path, query, headers.Where(h => h.Key is not ("Authorization" or "X-Amz-Date" or "x-amz-date")).ToList(), SigV4Payload.FromBytes(body)),
            new SigV4Credentials(AccessKeyId, Secret), region, service, Now,
            new SigV4SigningOptions { HeaderFilter = name => result.Identity.SignedHeaders.Contains(name) });
        Assert.Equal(request.GetHeader("Authorization"), ours.Authorization);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("  leading and trailing  ")]
    [InlineData("a  b\t\tc \t d")]
    [InlineData("folded\r\n  line\n\tand more")]
    [InlineData(" \t x \r\n")]
    public async Task SdkSignedHeaderWithWhitespace_VerifiesAndOurSignerAgrees(string value)
    {
        var body = Encoding.UTF8.GetBytes("Action=GetCallerIdentity&Version=2011-06-15");
        var sdkRequest = new DefaultRequest(new OracleRequest(), "sts") { HttpMethod = "POST", Endpoint = new Uri("https://sts.irsa.local"), ResourcePath = "/", Content = body };
        sdkRequest.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        sdkRequest.Headers["X-Amz-Meta-Note"] = value;
        var signing = new AWS4Signer().SignRequest(sdkRequest, OracleConfig.Create("us-east-1", "sts"), null, AccessKeyId, Secret, Now.UtcDateTime);
        sdkRequest.Headers["Authorization"] = signing.ForAuthorizationHeader;
        var headers = sdkRequest.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToList();
        if (!headers.Exists(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Host", "sts.irsa.local"));
        }

        var result = await Verify(new SigV4Request("POST", "/", null, headers, SigV4Payload.FromBytes(body)));
        Assert.True(result.Succeeded, result.Error?.Message);
        var ours = SigV4Signer.Sign(
            new SigV4Request("POST", "/", null, headers.Where(h => h.Key is not ("Authorization" or "X-Amz-Date")).ToList(), SigV4Payload.FromBytes(body)),
            new SigV4Credentials(AccessKeyId, Secret), "us-east-1", "sts", Now,
            new SigV4SigningOptions { HeaderFilter = name => result.Identity!.SignedHeaders.Contains(name) });

        Assert.Contains("x-amz-meta-note", result.Identity!.SignedHeaders);
        Assert.Equal(signing.ForAuthorizationHeader, ours.Authorization);
    }

    [Fact]
    public async Task SdkSignedRequest_TamperedBody_Rejected()
    {
        var body = Encoding.UTF8.GetBytes("Action=GetCallerIdentity&Version=2011-06-15");
        var sdkRequest = new DefaultRequest(new OracleRequest(), "sts") { HttpMethod = "POST", Endpoint = new Uri("https://sts.irsa.local"), ResourcePath = "/", Content = body };
        sdkRequest.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        var signing = new AWS4Signer().SignRequest(sdkRequest, OracleConfig.Create("us-east-1", "sts"), null, AccessKeyId, Secret, Now.UtcDateTime);
        sdkRequest.Headers["Authorization"] = signing.ForAuthorizationHeader;

        var headers = sdkRequest.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToList();
        if (!headers.Exists(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Host", "sts.irsa.local"));
        }

        var result = await Verify(new SigV4Request("POST", "/", null, headers, SigV4Payload.FromBytes(Encoding.UTF8.GetBytes("Action=GetCallerIdentity&Version=2011-06-16"))));
        Assert.Equal("SignatureDoesNotMatch", result.Error?.Code);
    }

    private sealed class OracleRequest : AmazonWebServiceRequest;

    /// <summary>An <see cref="IClientConfig"/> that answers only what the signer asks: region and service.</summary>
    public class OracleConfig : DispatchProxy
    {
        private string _region = "us-east-1";
        private string _service = "sts";

        public static IClientConfig Create(string region, string service)
        {
            var proxy = Create<IClientConfig, OracleConfig>();
            var config = (OracleConfig)(object)proxy;
            config._region = region;
            config._service = service;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_AuthenticationRegion" => _region,
            "get_AuthenticationServiceName" => _service,
            "get_SignatureVersion" => "4",
            "get_SignatureMethod" => SigningAlgorithm.HmacSHA256,
            _ when targetMethod!.ReturnType.IsValueType && targetMethod.ReturnType != typeof(void) => Activator.CreateInstance(targetMethod.ReturnType),
            _ => null,
        };
    }
}
