using Irsa.Cluster.Json;

namespace Irsa.Cluster.Errors;

/// <summary>Formats HTTP <c>Warning</c> headers the way kube-apiserver sends them.</summary>
public static class KubernetesWarning
{
    /// <summary>The header name.</summary>
    public const string HeaderName = "Warning";

    /// <summary><c>299 - "TEXT"</c> (RFC 7234 warn-code 299, unknown agent).</summary>
    public static string FormatHeaderValue(string text) => "299 - " + GoQuote.Quote(text);
}
