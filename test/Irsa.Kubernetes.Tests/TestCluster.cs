using System.Text;
using System.Text.Json.Nodes;
using Irsa.Cluster;
using Irsa.Cluster.Keys;
using Irsa.Cluster.Tokens;
using Irsa.Storage;
using Irsa.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace Irsa.Kubernetes.Tests;

/// <summary>One cluster in a throwaway SQLite store, its API with in-memory audit and log, called without HTTP.</summary>
internal sealed class TestCluster : IKubernetesCluster, IKubernetesClusterDirectory, IAsyncDisposable
{
    public const string ClusterId = "0123456789ABCDEF0123456789ABCDEF";

    private static readonly Lazy<ClusterSigningKey> Key = new(() => ClusterSigningKey.Generate(SigningAlgorithm.ES256));

    private readonly DirectoryInfo _folder;
    private readonly SqlDocumentStore _store;

    private TestCluster(DirectoryInfo folder, SqlDocumentStore store, KubernetesAuditOptions audit, IPodAdmission admission)
    {
        _folder = folder;
        _store = store;
        Api = new KubernetesApi(this, store, admission, new PodPresenceCache(TimeProvider.System), Audit, audit, TimeProvider.System, Log);
    }

    public KubernetesApi Api { get; }

    public MemoryAuditSink Audit { get; } = new();

    public ListLogger Log { get; } = new();

    public string AdminToken { get; private set; } = "";

    public string Id => ClusterId;

    public string Version => "1.34";

    public string ServerAddress => "irsa.test";

    public ClusterIssuerOptions IssuerOptions { get; } = new() { Issuers = ["https://irsa.test/id/" + ClusterId] };

    public ServiceAccountTokenIssuer TokenIssuer { get; } = new(TimeProvider.System);

    public static async Task<TestCluster> StartAsync(KubernetesAuditOptions? audit = null, IPodAdmission? admission = null)
    {
        var folder = Directory.CreateTempSubdirectory("irsa-kubernetes-test-");
        var store = await SqlDocumentStore.OpenAsync(new SqliteDialect(Path.Combine(folder.FullName, "irsa.db")));
        var cluster = new TestCluster(folder, store, audit ?? new KubernetesAuditOptions(), admission ?? new PassThroughPodAdmission());
        await store.TransactAsync(session => KubernetesObjects.SeedClusterAsync(session, ClusterId, DateTimeOffset.UtcNow));
        cluster.AdminToken = (await KubernetesObjects.IssueAdminTokenAsync(store, cluster, CancellationToken.None)).Token;
        return cluster;
    }

    public Task<IKubernetesCluster?> FindAsync(string clusterId, CancellationToken cancellationToken) =>
        Task.FromResult<IKubernetesCluster?>(clusterId == ClusterId ? this : null);

    public IReadOnlyList<ClusterSigningKey> PublishedKeys() => [Key.Value];

    public ClusterSigningKey SigningKey() => Key.Value;

    public Task RecordSignedAsync(string keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sends a request with the admin token, or <paramref name="token"/> ("" for none).</summary>
    public async Task<TestResponse> SendAsync(string method, string path, string? body = null, string? token = null,
        string clusterId = ClusterId, Dictionary<string, string>? headers = null)
    {
        headers = new Dictionary<string, string>(headers ?? [], StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = "application/json",
            ["User-Agent"] = "irsa-test/1.0",
        };
        token ??= AdminToken;
        if (token.Length > 0)
        {
            headers["Authorization"] = "Bearer " + token;
        }

        var question = path.IndexOf('?', StringComparison.Ordinal);
        var request = new KubernetesHttpRequest
        {
            Method = method,
            Path = question < 0 ? path : path[..question],
            Query = question < 0 ? "" : path[(question + 1)..],
            Headers = headers,
            Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? "")),
            RemoteAddress = "::ffff:127.0.0.1",
        };
        var writer = new CapturingWriter();
        await Api.HandleAsync(clusterId, request, writer, CancellationToken.None);
        return writer.Response!;
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    private sealed class CapturingWriter : IKubernetesResponseWriter
    {
        public TestResponse? Response { get; private set; }

        public Task WriteAsync(KubernetesHttpResponse response, CancellationToken cancellationToken)
        {
            Response = new TestResponse(response.StatusCode, response.Headers, Encoding.UTF8.GetString(response.Body.Span));
            return Task.CompletedTask;
        }

        public Task<Stream> StartStreamAsync(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
        {
            var body = new StreamedBody(this, statusCode, headers);
            Response = new TestResponse(statusCode, headers, "");
            return Task.FromResult<Stream>(body);
        }

        /// <summary>Collects a streamed body; the response's text is updated with each flush.</summary>
        private sealed class StreamedBody(CapturingWriter owner, int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers) : MemoryStream
        {
            public override void Flush()
            {
                base.Flush();
                owner.Response = new TestResponse(statusCode, headers, Encoding.UTF8.GetString(ToArray()));
            }

            public override Task FlushAsync(CancellationToken cancellationToken)
            {
                Flush();
                return Task.CompletedTask;
            }
        }
    }
}

internal sealed record TestResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(Body)!;

    public string? Header(string name) => Headers.Where(h => h.Key == name).Select(h => h.Value).FirstOrDefault();
}

/// <summary>Keeps each event with its serialized line, as the file sink would write it.</summary>
internal sealed class MemoryAuditSink : IKubernetesAuditSink
{
    public List<(string ClusterId, KubernetesAuditEvent Event, string Line)> Events { get; } = [];

    public Task WriteAsync(string clusterId, KubernetesAuditEvent auditEvent, CancellationToken cancellationToken)
    {
        Events.Add((clusterId, auditEvent, Encoding.UTF8.GetString(KubernetesAuditEventJson.Serialize(auditEvent))));
        return Task.CompletedTask;
    }

    public JsonObject Last => (JsonObject)JsonNode.Parse(Events[^1].Line)!;
}

internal sealed class ListLogger : ILogger<KubernetesApi>
{
    public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add((logLevel, formatter(state, exception), exception));
}
