namespace Irsa.Kubernetes;

/// <summary>A complete Kubernetes API response: status code, headers (in order, names may repeat) and body.</summary>
public sealed record KubernetesHttpResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body);

/// <summary>Sends a <see cref="KubernetesHttpResponse"/> to the client; the host binds it to its HTTP server.</summary>
public interface IKubernetesResponseWriter
{
    Task WriteAsync(KubernetesHttpResponse response, CancellationToken cancellationToken);
}
