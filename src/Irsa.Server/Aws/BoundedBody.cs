using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Aws;

/// <summary>Reads a request body up to a limit, before anything about the request has been verified.</summary>
public static class BoundedBody
{
    /// <summary>
    /// The body, or <c>null</c> when it exceeds <paramref name="limit"/>: refused from <c>Content-Length</c> without
    /// reading, or as soon as a chunked body passes the limit (the rest is never buffered).
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } declared && declared > limit)
        {
            return null;
        }

        var buffer = new byte[Math.Min(request.ContentLength ?? 16 * 1024, limit) + 1];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit)
                {
                    return null;
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit + 1));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return buffer[..length];
            }

            length += read;
        }
    }
}
