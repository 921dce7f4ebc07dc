using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Irsa.SigV4;

namespace Irsa.Server.Tests;

/// <summary>
/// A real Irsa server on a free loopback port with a throwaway data folder, plus a SigV4-signing admin client.
/// Tests talk to it over real sockets, as SDKs do.
/// </summary>
public sealed class IrsaTestServer : IAsyncDisposable
{
    private IrsaTestServer(IrsaServer server, DirectoryInfo data, SigV4Credentials admin)
    {
        Server = server;
        DataDirectory = data;
        Admin = admin;
        Http = new HttpClient(TrustingLocalAuthority(data)) { BaseAddress = new Uri(server.Context.PublicUrl + "/") };
    }

    public IrsaServer Server { get; }

    public DirectoryInfo DataDirectory { get; }

    public SigV4Credentials Admin { get; }

    public HttpClient Http { get; }

    public string Url => Server.Context.PublicUrl;

    public string AccountId => Server.Context.AccountId;

    public string Region => Server.Context.Region;

    /// <summary>The local CA's certificate (what clients of an HTTPS listener must trust).</summary>
    public X509Certificate2 CertificateAuthority => X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(DataDirectory.FullName, "ca.pem")));

    /// <summary>Trusts the server's local CA (and only it) for HTTPS listeners, as <c>AWS_CA_BUNDLE</c> would.</summary>
    private static HttpClientHandler TrustingLocalAuthority(DirectoryInfo data)
    {
        var authority = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(data.FullName, "ca.pem")));
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, presented, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                if (presented is not null)
                {
                    // The intermediate the server sent with its certificate.
                    chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
                }

                return certificate is not null && chain.Build(certificate);
            },
        };
    }

    /// <summary>Starts a server; pass an existing folder to restart on the same data.</summary>
    public static async Task<IrsaTestServer> StartAsync(DirectoryInfo? data = null, Func<IrsaServerOptions, IrsaServerOptions>? configure = null)
    {
        data ??= Directory.CreateTempSubdirectory("irsa-test-");
        var options = new IrsaServerOptions { DataDirectory = data.FullName, ListenUrls = ["http://127.0.0.1:0"] };
        options = configure?.Invoke(options) ?? options;
        var server = await IrsaServer.StartAsync(options, _ => { });
        var credentials = File.ReadAllLines(Path.Combine(data.FullName, "credentials"))
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        return new IrsaTestServer(server, data, new SigV4Credentials(credentials["aws_access_key_id"], credentials["aws_secret_access_key"]));
    }

    /// <summary>Sends a request signed with the admin's key for <paramref name="service"/>.</summary>
    public Task<HttpResponseMessage> SendSignedAsync(HttpMethod method, string pathAndQuery, string service, string? body = null,
        string contentType = "application/x-www-form-urlencoded; charset=utf-8", SigV4Credentials? credentials = null) =>
        SignedHttp.SendAsync(Http, method, new Uri(Url + pathAndQuery), service, Region, credentials ?? Admin, body, contentType);

    /// <summary>Stops the server but keeps the data folder (for restart tests).</summary>
    public async Task StopAsync()
    {
        await Server.StopAsync();
        await Server.DisposeAsync();
        Http.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        DataDirectory.Delete(recursive: true);
    }
}

/// <summary>Signs and sends one HTTP request with SigV4 (Irsa's own signer).</summary>
public static class SignedHttp
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, Uri uri, string service, string region,
        SigV4Credentials credentials, string? body, string contentType, params KeyValuePair<string, string>[] extraHeaders)
    {
        var bytes = body is null ? [] : System.Text.Encoding.UTF8.GetBytes(body);
        var headers = new List<KeyValuePair<string, string>> { new("host", uri.Authority) };
        headers.AddRange(extraHeaders);
        if (body is not null)
        {
            headers.Add(new("content-type", contentType));
        }

        var request = new SigV4Request(method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, SigV4Payload.FromBytes(bytes));
        var signed = SigV4Signer.Sign(request, credentials, region, service, TimeProvider.System.GetUtcNow());
        using var message = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            message.Content = new ByteArrayContent(bytes);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        foreach (var (name, value) in signed.HeadersToAdd.Concat(extraHeaders))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(message);
    }
}
