using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Irsa.EndToEnd.Tests.Infrastructure;

/// <summary>A cluster's Kubernetes API reached with the server and token from <c>irsa kubeconfig</c>.</summary>
public sealed class KubeApi(string server, string token, string certificateAuthorityData) : IDisposable
{
    private readonly HttpClient _http = new(TrustingOnly(certificateAuthorityData));

    public static async Task<KubeApi> FromKubeconfigAsync(IrsaProcess irsa, string cluster)
    {
        var kubeconfig = await irsa.IrsaAsync("kubeconfig", "--cluster", cluster);
        Assert.True(kubeconfig.ExitCode == 0, kubeconfig.ToString());
        string Value(string key) => kubeconfig.StandardOutput.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(key + ": ", StringComparison.Ordinal))[(key.Length + 2)..];
        return new KubeApi(Value("server"), Value("token"), Value("certificate-authority-data"));
    }

    /// <summary>Trusts the kubeconfig's CA and nothing else, as kubectl does.</summary>
    public static HttpClientHandler TrustingOnly(string certificateAuthorityData)
    {
        var authority = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            Encoding.UTF8.GetString(Convert.FromBase64String(certificateAuthorityData)));
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, presented, _) =>
            {
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                chain.ChainPolicy.ExtraStore.AddRange(presented!.ChainPolicy.ExtraStore);
                return certificate is not null && chain.Build(certificate);
            },
        };
    }

    public async Task<(int Status, JsonObject Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, server + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text) as JsonObject ?? []);
    }

    public void Dispose() => _http.Dispose();
}
