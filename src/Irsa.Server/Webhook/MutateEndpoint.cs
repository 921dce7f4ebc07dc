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
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);

        // Handlers are cheap, but the metrics need the HTTP method, which AdmissionHandler does not
        // see: one handler per method label, each reporting through its own metrics view.
        var metrics = _metrics.ForVerb(request.Method);
        var handler = _handlers.GetOrAdd(metrics, m => new AdmissionHandler(_mutator, _serviceAccounts, _identities, m, _time));
        var result = await handler.HandleAsync(request.ContentType, body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted)
            .ConfigureAwait(false);

        var response = context.Response;
        response.StatusCode = result.StatusCode;
        response.ContentType = result.ContentType;
        response.ContentLength = result.Body.Length;
        await response.Body.WriteAsync(result.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
