using System.Globalization;
using System.Text.Json.Nodes;
using Irsa.Node.Tokens;

namespace Irsa.Cli.Commands.Pod;

/// <summary>The node agent's token source: <c>POST .../serviceaccounts/{name}/token</c> bound to the pod, as the kubelet does.</summary>
internal sealed class HttpTokenRequester(ClusterAccess cluster) : ITokenRequester
{
    public async Task<TokenRequestResult> RequestAsync(string @namespace, string serviceAccount, IReadOnlyList<string> audiences,
        long expirationSeconds, BoundPodReference boundPod, CancellationToken cancellationToken)
    {
        var spec = new JsonObject
        {
            ["expirationSeconds"] = expirationSeconds,
            ["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = boundPod.Name, ["uid"] = boundPod.Uid },
        };
        if (audiences.Count > 0)
        {
            spec["audiences"] = new JsonArray([.. audiences.Select(a => JsonValue.Create(a))]);
        }

        var response = await cluster.SendAsync(HttpMethod.Post,
            $"/api/v1/namespaces/{Uri.EscapeDataString(@namespace)}/serviceaccounts/{Uri.EscapeDataString(serviceAccount)}/token",
            new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenRequest", ["spec"] = spec }, cancellationToken);
        return new TokenRequestResult(
            response.Text("status.token")!,
            DateTimeOffset.Parse(response.Text("status.expirationTimestamp")!, CultureInfo.InvariantCulture),
            long.Parse(response.Text("spec.expirationSeconds") ?? expirationSeconds.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }
}
