using Irsa.Policy;
using Irsa.Server.Aws;

namespace Irsa.Server.Security;

/// <summary>The transport facts every authorization sees: <c>aws:SourceIp</c>, <c>aws:SecureTransport</c>, <c>aws:UserAgent</c>.</summary>
public static class SourceContext
{
    public static Dictionary<string, ContextValue> For(AwsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:SecureTransport"] = new(ContextKeyType.Boolean, [request.IsTls ? "true" : "false"], false),
        };
        if (request.SourceIp is { } ip)
        {
            keys["aws:SourceIp"] = new(ContextKeyType.Ip, [ip.ToString()], false);
        }

        if (request.UserAgent is { } agent)
        {
            keys["aws:UserAgent"] = new(ContextKeyType.String, [agent], false);
        }

        return keys;
    }
}
