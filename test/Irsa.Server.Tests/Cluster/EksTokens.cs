using System.Text;
using System.Text.Json.Nodes;
using Irsa.SigV4;

namespace Irsa.Server.Tests.Cluster;

/// <summary>EKS tokens for the tests: minted by the AWS CLI (<c>aws eks get-token</c>) or presigned by hand to forge attacks.</summary>
public static class EksTokens
{
    /// <summary><c>aws eks get-token --cluster-name NAME</c> with STS pointed at Irsa, as <c>update-kubeconfig</c>'s exec runs it.</summary>
    public static async Task<string> FromCliAsync(IrsaTestServer server, string clusterName, SigV4Credentials? credentials = null)
    {
        var (code, output, error) = await AwsCli.RunAsAsync(server, credentials,
            new Dictionary<string, string> { ["AWS_ENDPOINT_URL_STS"] = server.Url }, "eks", "get-token", "--cluster-name", clusterName);
        Assert.True(code == 0, error);
        var credential = JsonNode.Parse(output)!;
        Assert.Equal("ExecCredential", credential["kind"]!.GetValue<string>());
        return credential["status"]!["token"]!.GetValue<string>();
    }

    /// <summary>A token presigned with Irsa's own signer, every part chosen by the test.</summary>
    public static string Presign(SigV4Credentials credentials, string url, string clusterIdHeader, DateTimeOffset time, string region = "us-east-1",
        bool signClusterId = true)
    {
        var uri = new Uri(url);
        var headers = new List<KeyValuePair<string, string>> { new("host", uri.Authority) };
        if (signClusterId)
        {
            headers.Add(new("x-k8s-aws-id", clusterIdHeader));
        }

        var request = new SigV4Request("GET", uri.AbsolutePath, "Action=GetCallerIdentity&Version=2011-06-15", headers, SigV4Payload.FromBytes(ReadOnlyMemory<byte>.Empty));
        var presigned = SigV4Signer.Presign(request, credentials, region, "sts", time, TimeSpan.FromSeconds(60));
        return Encode($"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}?{presigned.Query}");
    }

    public static string Encode(string url) => "k8s-aws-v1." + Convert.ToBase64String(Encoding.UTF8.GetBytes(url)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Decode(string token)
    {
        var text = token["k8s-aws-v1.".Length..].Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(text + new string('=', (4 - (text.Length % 4)) % 4)));
    }

    /// <summary>A role and a session of it (obtained the IRSA way, by a service account of <paramref name="kube"/>).</summary>
    public static async Task<(string Arn, SigV4Credentials Credentials)> RoleSessionAsync(KubeCluster kube, string roleName)
    {
        ArgumentNullException.ThrowIfNull(kube);
        var credentials = await Aws.AwsCalls.RoleSessionAsync(kube, roleName,
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}""");
        return ($"arn:aws:iam::{kube.Server.AccountId}:role/{roleName}", credentials);
    }

    /// <summary>Runs <c>aws eks ARGS</c> as the admin and returns its JSON output (asserting success).</summary>
    public static async Task<JsonNode?> EksAsync(IrsaTestServer server, params string[] arguments)
    {
        var (code, output, error) = await AwsCli.RunAsync(server, ["eks", .. arguments]);
        Assert.True(code == 0, error);
        return output.Trim().Length == 0 ? null : JsonNode.Parse(output);
    }

    /// <summary>A cluster created with <c>accessConfig</c> (through the AWS CLI, as its admin).</summary>
    public static async Task<KubeCluster> ClusterAsync(IrsaTestServer server, string name, string mode = "API_AND_CONFIG_MAP")
    {
        await EksAsync(server, "create-cluster", "--name", name, "--role-arn", $"arn:aws:iam::{server.AccountId}:role/eks",
            "--resources-vpc-config", "subnetIds=subnet-1", "--access-config", $"authenticationMode={mode}");
        return await KubeCluster.ExistingAsync(server, name);
    }
}
