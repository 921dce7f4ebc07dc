using Irsa.Policy;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Security;

/// <summary>The transport facts every authorization sees: <c>aws:SourceIp</c>, <c>aws:SecureTransport</c>, <c>aws:UserAgent</c>.</summary>
public static class SourceContext
{
    public static IReadOnlyDictionary<string, ContextValue> For(HttpContext context)
    {
        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:SecureTransport"] = new(ContextKeyType.Boolean, [context.Request.IsHttps ? "true" : "false"], false),
        };
        if (context.Connection.RemoteIpAddress is { } ip)
        {
            keys["aws:SourceIp"] = new(ContextKeyType.Ip, [(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString()], false);
        }

        if (context.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent)
        {
            keys["aws:UserAgent"] = new(ContextKeyType.String, [agent], false);
        }

        return keys;
    }
}
