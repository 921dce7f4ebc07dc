using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Protocol;

/// <summary>One request id per call, sent as <c>x-amzn-RequestId</c> and reused in error bodies and audit records.</summary>
public static class RequestIds
{
    private const string ItemKey = "irsa.request-id";

    public static string Get(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var existing) && existing is string id)
        {
            return id;
        }

        id = Guid.NewGuid().ToString();
        context.Items[ItemKey] = id;
        return id;
    }
}
