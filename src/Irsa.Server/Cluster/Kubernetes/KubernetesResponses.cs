using Irsa.Cluster.Errors;
using k8s;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Cluster.Kubernetes;

/// <summary>Writes Kubernetes API responses: objects as KubernetesClient wire JSON, failures as <c>Status</c>, warnings as headers.</summary>
internal static class KubernetesResponses
{
    public const string JsonContentType = "application/json";

    public static Task WriteObjectAsync(HttpContext context, int statusCode, object value, IReadOnlyList<string> warnings) =>
        WriteAsync(context, statusCode, System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(value)), warnings);

    public static Task WriteStatusAsync(HttpContext context, KubernetesStatus status, IReadOnlyList<string> warnings) =>
        WriteAsync(context, status.Code, status.ToJson(), warnings);

    public static async Task WriteAsync(HttpContext context, int statusCode, byte[] body, IReadOnlyList<string> warnings)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = JsonContentType;
        context.Response.Headers.CacheControl = "no-cache, private";
        foreach (var warning in warnings)
        {
            context.Response.Headers.Append(KubernetesWarning.HeaderName, KubernetesWarning.FormatHeaderValue(warning));
        }

        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
