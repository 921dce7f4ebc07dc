using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace Irsa.Sts.Tests.Support;

/// <summary>Serves canned discovery/JWKS documents by URL and records every request it sees.</summary>
internal sealed class FakeOidcHandler : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, (HttpStatusCode Status, byte[] Body, string? CacheControl)> _routes = new(StringComparer.Ordinal);

    public ConcurrentQueue<Uri> Requests { get; } = new();

    public bool Down { get; set; }

    public void Serve(string url, byte[] body, string? cacheControl = null, HttpStatusCode status = HttpStatusCode.OK) =>
        _routes[url] = (status, body, cacheControl);

    public int CountRequests(string url) => Requests.Count(r => r.AbsoluteUri == url);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request.RequestUri!);
        if (Down)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "down");
        }

        if (!_routes.TryGetValue(request.RequestUri!.AbsoluteUri, out var route))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        }

        var response = new HttpResponseMessage(route.Status) { Content = new ByteArrayContent(route.Body) };
        if (route.CacheControl is not null)
        {
            response.Headers.CacheControl = CacheControlHeaderValue.Parse(route.CacheControl);
        }

        return Task.FromResult(response);
    }
}
