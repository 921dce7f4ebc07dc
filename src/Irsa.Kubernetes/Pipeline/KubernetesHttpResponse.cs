namespace Irsa.Kubernetes;

/// <summary>A complete Kubernetes API response: status code, headers (in order, names may repeat) and body.</summary>
public sealed record KubernetesHttpResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body);

/// <summary>Sends a <see cref="KubernetesHttpResponse"/> to the client; the host binds it to its HTTP server.</summary>
public interface IKubernetesResponseWriter
{
    Task WriteAsync(KubernetesHttpResponse response, CancellationToken cancellationToken);

    /// <summary>
    /// Sends the status and headers of a streamed response (a watch) and returns the body stream; each write is
    /// followed by a flush from the caller, and the response ends when the API returns from its handler.
    /// </summary>
    Task<Stream> StartStreamAsync(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken);
}
