using System.Collections.Concurrent;
using Irsa.Iam.Authorization;
using Irsa.Server.Aws;
using Irsa.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Irsa.Server.Tests.Aws;

/// <summary>An audit that keeps every record, for tests.</summary>
public sealed class RecordingAudit : IAwsCallAudit
{
    public ConcurrentQueue<AwsCallRecord> Records { get; } = new();

    public ValueTask RecordAsync(AwsCallRecord record, CancellationToken cancellationToken)
    {
        Records.Enqueue(record);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A second listener running an <see cref="AwsPipeline"/> over a running server's authenticator and authorizer, with
/// the rows and audit a test chooses (to inject faults or watch the audit records over real sockets).
/// </summary>
public sealed class PipelineHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RecordingAudit _audit;

    private PipelineHost(WebApplication app, RecordingAudit audit, string url)
    {
        _app = app;
        _audit = audit;
        Http = new HttpClient { BaseAddress = new Uri(url + "/") };
        Url = url;
    }

    public HttpClient Http { get; }

    public string Url { get; }

    /// <summary>The records the pipeline handed to its audit, in order.</summary>
    public IReadOnlyList<AwsCallRecord> Records => [.. _audit.Records];

    public static async Task<PipelineHost> StartAsync(IrsaTestServer server, AwsOperations? operations = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var audit = new RecordingAudit();
        var services = server.Server.Services;
        var pipeline = new AwsPipeline(operations ?? services.GetRequiredService<AwsOperations>(), services.GetRequiredService<RequestAuthenticator>(),
            services.GetRequiredService<Authorizer>(), audit, TimeProvider.System, NullLogger<AwsPipeline>.Instance);
        app.MapFallback(pipeline.HandleAsync);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PipelineHost(app, audit, url);
    }

    /// <summary>Sends a request signed with the server admin's key to this listener.</summary>
    public Task<HttpResponseMessage> SendSignedAsync(IrsaTestServer server, HttpMethod method, string pathAndQuery, string service, string? body,
        string contentType = "application/x-www-form-urlencoded; charset=utf-8", Irsa.SigV4.SigV4Credentials? credentials = null) =>
        SignedHttp.SendAsync(Http, method, new Uri(Url + pathAndQuery), service, server.Region, credentials ?? server.Admin, body, contentType);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }
}
