using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Irsa.Cluster.Discovery;
using Irsa.Cluster.Keys;
using Irsa.Sts.Sessions;
using Irsa.Sts.Tests.Support;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts.Tests.WebIdentity;

public sealed class OidcKeySourceTests
{
    [Fact]
    public async Task KeysAreCached_UntilMaxAge()
    {
        using var bed = new StsTestBed();
        bed.PublishKeys(bed.Key);
        bed.Handler.Serve(StsTestBed.JwksUrl, JwksDocument.Create([bed.Key]), "max-age=120");

        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
        Assert.Equal(1, bed.Handler.CountRequests(StsTestBed.DiscoveryUrl));

        bed.Time.Advance(TimeSpan.FromSeconds(121));
        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
        Assert.Equal(2, bed.Handler.CountRequests(StsTestBed.JwksUrl));
    }

    [Fact]
    public async Task NewKid_IsPickedUpByOneRefresh()
    {
        using var bed = new StsTestBed();
        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
        using var next = ClusterSigningKey.Generate(SigningAlgorithm.ES256);
        bed.PublishKeys(bed.Key, next);
        bed.Time.Advance(TimeSpan.FromSeconds(11));

        StsTestBed.Result(await bed.AssumeAsync(bed.Mint(key: next)));
        Assert.Equal(2, bed.Handler.CountRequests(StsTestBed.JwksUrl));
    }

    [Fact]
    public async Task IssuerDown_KeepsServingCachedKeys()
    {
        using var bed = new StsTestBed();
        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
        bed.Handler.Down = true;
        bed.Time.Advance(TimeSpan.FromHours(2));

        StsTestBed.Result(await bed.AssumeAsync(bed.Mint()));
    }

    [Fact]
    public async Task IssuerDown_WithNothingCached_IsKeyRetrievalFailure()
    {
        using var bed = new StsTestBed();
        bed.Handler.Down = true;

        var result = await bed.AssumeAsync(bed.Mint());

        Assert.Equal("InvalidIdentityToken", result.Error!.Code);
        Assert.Equal(StsErrors.KeyRetrievalMessage, result.Error.Message);
    }

    [Fact]
    public async Task DiscoveryIssuerMismatch_IsKeyRetrievalFailure()
    {
        using var bed = new StsTestBed();
        bed.Handler.Serve(StsTestBed.DiscoveryUrl, OidcDiscoveryDocument.Create("https://other.test", StsTestBed.JwksUrl, [bed.Key]));
        Assert.Equal(StsErrors.KeyRetrievalMessage, (await bed.AssumeAsync(bed.Mint())).Error!.Message);
    }

    [Fact]
    public async Task PlainHttpJwksUri_OnANonLoopbackHost_IsNotFetched()
    {
        using var bed = new StsTestBed();
        bed.Handler.Serve(StsTestBed.DiscoveryUrl, OidcDiscoveryDocument.Create(StsTestBed.Issuer, "http://oidc.test/jwks", [bed.Key]));
        Assert.Equal(StsErrors.KeyRetrievalMessage, (await bed.AssumeAsync(bed.Mint())).Error!.Message);
        Assert.DoesNotContain(bed.Handler.Requests, r => r.Scheme == "http");
    }

    [Fact]
    public void Thumbprint_StandsInOnlyForAnUntrustedRoot()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=oidc.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.False(chain.Build(certificate));
        var pinned = ThumbprintTrust.Thumbprint(certificate);

        Assert.True(ThumbprintTrust.IsTrusted(chain, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors, [pinned.ToUpperInvariant()]));
        Assert.False(ThumbprintTrust.IsTrusted(chain, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors, [new string('0', 40)]));
        Assert.False(ThumbprintTrust.IsTrusted(chain, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors
            | System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch, [pinned]));
        Assert.True(ThumbprintTrust.IsTrusted(null, System.Net.Security.SslPolicyErrors.None, []));
    }

    /// <summary>The one real-socket test: a loopback issuer served by HttpListener, reached through the default handler.</summary>
    [Fact]
    public async Task RealSocket_LoopbackIssuer_FullFlow()
    {
        using var key = ClusterSigningKey.Generate(SigningAlgorithm.RS256);
        var port = FreePort();
        var issuer = $"http://127.0.0.1:{port}/cluster";
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var discovery = OidcDiscoveryDocument.Create(issuer, issuer + "/openid/v1/jwks", [key]);
        var jwks = JwksDocument.Create([key]);
        var paths = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                var path = context.Request.Url!.AbsolutePath;
                paths.Enqueue(path);
                var body = path == "/cluster/.well-known/openid-configuration" ? discovery : path == "/cluster/openid/v1/jwks" ? jwks : null;
                context.Response.StatusCode = body is null ? 404 : 200;
                context.Response.Headers["Cache-Control"] = "public, max-age=3600";
                if (body is not null)
                {
                    await context.Response.OutputStream.WriteAsync(body);
                }

                context.Response.Close();
            }
        });

        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var directory = new FakeDirectory();
        directory.Providers.Add(new Irsa.Iam.Queries.OpenIdConnectProviderInfo("111122223333", $"127.0.0.1:{port}/cluster", issuer,
            $"arn:aws:iam::111122223333:oidc-provider/127.0.0.1:{port}/cluster", ["sts.amazonaws.com"], []));
        directory.AddRole("111122223333", "local", $$$$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/127.0.0.1:{{{{port}}}}/cluster"},
             "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"127.0.0.1:{{{{port}}}}/cluster:sub":"system:serviceaccount:default:app"}}}]}
            """);
        using var api = StsApi.Create(directory, SessionKeyRing.Generate(time.GetUtcNow()), time);
        var token = new Irsa.Cluster.Tokens.ServiceAccountTokenIssuer(time).Issue(key, new Irsa.Cluster.Tokens.ServiceAccountTokenClaims
        {
            Issuer = issuer,
            Namespace = "default",
            ServiceAccount = new Irsa.Cluster.Tokens.ObjectRef("app", "sa-uid"),
            Audiences = ["sts.amazonaws.com"],
            ExpirationSeconds = 3600,
        }).Token;

        var result = await api.ExecuteAsync("AssumeRoleWithWebIdentity", new Irsa.Core.Query.QueryParameters(
        [
            new("RoleArn", "arn:aws:iam::111122223333:role/local"), new("RoleSessionName", "real"), new("WebIdentityToken", token),
        ]), null, "req");

        listener.Stop();
        await serving;
        var xml = StsTestBed.Result(result);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/local/real", StsTestBed.Value(xml, "AssumedRoleUser", "Arn"));
        Assert.Equal(["/cluster/.well-known/openid-configuration", "/cluster/openid/v1/jwks"], paths.ToArray());
        Assert.DoesNotContain(token, Encoding.UTF8.GetString(result.Body!), StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
