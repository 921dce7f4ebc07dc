namespace Irsa.Kubernetes;

/// <summary>One request to a cluster's Kubernetes API, as the host received it (no HTTP framework types).</summary>
public sealed class KubernetesHttpRequest
{
    /// <summary>The HTTP method, upper case (<c>GET</c>, <c>POST</c>, ...).</summary>
    public required string Method { get; init; }

    /// <summary>The path below the cluster's endpoint, starting with <c>/</c> (<c>/api/v1/namespaces</c>).</summary>
    public required string Path { get; init; }

    /// <summary>
    /// Where the cluster's endpoint starts on this host (<c>/k8s/{clusterId}</c>), for the few documents that carry
    /// server-relative URLs (OpenAPI v3's index); empty when the cluster is served at the root.
    /// </summary>
    public string PathBase { get; init; } = "";

    /// <summary>The raw query string without the leading <c>?</c>; empty when there is none.</summary>
    public string Query { get; init; } = "";

    /// <summary>Request headers by case-insensitive name; repeated headers joined with <c>", "</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The request body (read at most once).</summary>
    public Stream Body { get; init; } = Stream.Null;

    /// <summary>The peer's IP address, when known.</summary>
    public string? RemoteAddress { get; init; }

    public string? UserAgent => Header("User-Agent");

    /// <summary>The URI as a kube-apiserver at the cluster's endpoint sees it: path and query.</summary>
    public string RequestUri => Query.Length == 0 ? Path : Path + "?" + Query;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The first value of query parameter <paramref name="name"/>, unescaped; empty when absent.</summary>
    public string QueryParameter(string name)
    {
        foreach (var pair in Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Unescape(separator < 0 ? pair : pair[..separator]);
            if (key == name)
            {
                return separator < 0 ? "" : Unescape(pair[(separator + 1)..]);
            }
        }

        return "";
    }

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
