using System.Net;
using System.Net.Http.Headers;

namespace Irsa.Server.Tests.Cluster;

/// <summary>
/// Each cluster's Kubernetes API is served over HTTPS on its own listener, with a certificate of the CA DescribeCluster
/// publishes, even when the AWS APIs listen on plain HTTP (kubectl sends no credentials over HTTP).
/// </summary>
public sealed class KubernetesListenerTests
{
    [Fact]
    public async Task Endpoint_is_https_with_a_certificate_chaining_to_the_published_ca()
    {
        await using var kube = await KubeCluster.StartAsync();
        Assert.StartsWith("http://", kube.Server.Url, StringComparison.Ordinal);
        Assert.StartsWith("https://127.0.0.1:", kube.Endpoint, StringComparison.Ordinal);
        Assert.EndsWith("/k8s/" + kube.Id, kube.Endpoint, StringComparison.Ordinal);

        // Trust only the published CA, as kubectl does with certificate-authority-data.
        var published = kube.CertificateAuthority;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, presented, _) =>
            {
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(published);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                chain.ChainPolicy.ExtraStore.AddRange(presented!.ChainPolicy.ExtraStore);
                return chain.Build(certificate!);
            },
        };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, kube.Endpoint + "/api/v1/namespaces");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", kube.AdminToken);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Each_listener_serves_only_its_own_paths()
    {
        await using var kube = await KubeCluster.StartAsync();
        var kubernetesBase = new Uri(kube.Endpoint).GetLeftPart(UriPartial.Authority);

        // The plain-HTTP AWS listener does not serve the Kubernetes API: a bearer token never travels in clear.
        using var overHttp = new HttpRequestMessage(HttpMethod.Get, kube.Server.Url + "/k8s/" + kube.Id + "/api/v1/namespaces");
        overHttp.Headers.Authorization = new AuthenticationHeaderValue("Bearer", kube.AdminToken);
        using var refused = await kube.Server.Http.SendAsync(overHttp);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);

        // The Kubernetes listener serves nothing but /k8s/: no AWS API, no discovery documents.
        using var aws = await kube.Server.Http.GetAsync(kubernetesBase + "/healthz");
        Assert.Equal(HttpStatusCode.NotFound, aws.StatusCode);

        // Discovery and the JWKS stay on the public URL.
        using var discovery = await kube.Server.Http.GetAsync(kube.Issuer + "/.well-known/openid-configuration");
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
    }
}
