using System.Buffers;
using System.Collections.Concurrent;
using Irsa.Webhook;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Webhook;

/// <summary>
/// <c>/mutate</c> over ASP.NET Core: hands the raw Content-Type and body to an
/// <see cref="AdmissionHandler"/> and writes back exactly what it returns. Shared by
/// <c>irsa up</c> and <c>irsa webhook serve</c>.
/// </summary>
public sealed class MutateEndpoint
{
    /// <summary>Bodies up to this size are read into pooled buffers; larger or chunked ones are buffered normally.</summary>
    private const long MaxPooledBody = 4 * 1024 * 1024;

    private readonly ConcurrentDictionary<IWebhookMetrics, AdmissionHandler> _handlers = new();
    private readonly PodMutator _mutator;
    private readonly IServiceAccountLookup _serviceAccounts;
    private readonly IContainerCredentialsIdentities? _identities;
    private readonly WebhookMetrics _metrics;
    private readonly TimeProvider _time;

    /// <summary>Creates the endpoint.</summary>
    public MutateEndpoint(PodMutator mutator, IServiceAccountLookup serviceAccounts, IContainerCredentialsIdentities? identities,
        WebhookMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(mutator);
        ArgumentNullException.ThrowIfNull(serviceAccounts);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        _mutator = mutator;
        _serviceAccounts = serviceAccounts;
        _identities = identities;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>Handles one request (any method, as upstream).</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;

        // Handlers are cheap, but the metrics need the HTTP method, which AdmissionHandler does not
        // see: one handler per method label, each reporting through its own metrics view.
        var metrics = _metrics.ForVerb(request.Method);
        var handler = _handlers.GetOrAdd(metrics, m => new AdmissionHandler(_mutator, _serviceAccounts, _identities, m, _time));
        AdmissionHttpResponse result;
        if (request.ContentLength is { } length and <= MaxPooledBody)
        {
            // The usual case (the API server always sends Content-Length): read into a pooled buffer, no copies.
            var buffer = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                var read = 0;
                while (read < length && await request.Body.ReadAsync(buffer.AsMemory(read, (int)length - read), context.RequestAborted).ConfigureAwait(false) is > 0 and var n)
                {
                    read += n;
                }

                result = await handler.HandleAsync(request.ContentType, buffer.AsMemory(0, read), context.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        else
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            result = await handler.HandleAsync(request.ContentType, body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted)
                .ConfigureAwait(false);
        }

        var response = context.Response;
        response.StatusCode = result.StatusCode;
        response.ContentType = result.ContentType;
        response.ContentLength = result.Body.Length;
        await response.Body.WriteAsync(result.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
