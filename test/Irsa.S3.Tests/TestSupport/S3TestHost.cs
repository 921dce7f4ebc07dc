using System.Text;
using System.Xml.Linq;
using Irsa.Core.Aws;
using Irsa.S3.Blobs;
using Irsa.S3.Integrity;
using Irsa.S3.Protocol;
using Irsa.Storage;
using Irsa.Storage.Sqlite;

namespace Irsa.S3.Tests.TestSupport;

/// <summary>An engine over a real SQLite store and a real blob directory in a fresh temporary folder.</summary>
public sealed class S3TestHost : IAsyncDisposable
{
    public const string Account = "111122223333";
    public const string OtherAccount = "444455556666";

    private S3TestHost(string root, SqlDocumentStore store, S3EngineOptions? options)
    {
        Root = root;
        Store = store;
        BlobRoot = Path.Combine(root, "s3");
        Blobs = new DirectoryBlobStore(BlobRoot);
        Engine = new S3Engine(store, Blobs, options);
    }

    public string Root { get; }

    public string BlobRoot { get; }

    public SqlDocumentStore Store { get; }

    public DirectoryBlobStore Blobs { get; }

    public S3Engine Engine { get; }

    /// <summary>The host's authorization decision for the handler's second checks (action, ARN) → allowed.</summary>
    public Func<string, string, bool> Allow { get; set; } = (_, _) => true;

    public List<(string Action, string Arn)> AuthorizeCalls { get; } = [];

    public DateTimeOffset Now { get; set; } = new(2026, 8, 7, 12, 0, 0, 123, TimeSpan.Zero);

    public static async Task<S3TestHost> CreateAsync(S3EngineOptions? options = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "irsa-s3-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var store = await SqlDocumentStore.OpenAsync(new SqliteDialect(Path.Combine(root, "irsa.db")));
        return new S3TestHost(root, store, options);
    }

    public S3Request Request(string method, string? bucket = null, string? key = null, string? query = null,
        IEnumerable<(string Name, string Value)>? headers = null, byte[]? body = null, string account = Account, RequestPayload? payload = null)
    {
        var headerList = new S3Headers((headers ?? []).Select(h => new KeyValuePair<string, string>(h.Name, h.Value)));
        var queryValues = ParseQuery(query);
        // As the host does: resolve first, so the body is verified the way the operation reads its checksum headers.
        var describesBody = TryResolve(method, bucket, key, queryValues, headerList)?.Operation.ChecksumHeadersDescribeBody ?? true;
        return new S3Request
        {
            Method = method,
            Bucket = bucket,
            Key = key,
            Query = queryValues,
            Headers = headerList,
            Body = payload ?? RequestPayload.ForBody(new MemoryStream(body ?? []), headerList, describesBody),
            OwnerAccountId = account,
            RequestId = "REQ0000000000001",
            Now = Now,
            Authorize = (action, arn, _, _) =>
            {
                lock (AuthorizeCalls)
                {
                    AuthorizeCalls.Add((action, arn));
                }

                return ValueTask.FromResult(Allow(action, arn));
            },
        };
    }

    private Irsa.S3.Operations.S3ResolvedOperation? TryResolve(string method, string? bucket, string? key,
        IReadOnlyDictionary<string, string> query, S3Headers headers)
    {
        try
        {
            return Engine.Operations.Resolve(method, bucket, key, query, headers);
        }
        catch (AwsErrorException)
        {
            return null;
        }
    }

    public async Task<S3Result> SendAsync(string method, string? bucket = null, string? key = null, string? query = null,
        IEnumerable<(string Name, string Value)>? headers = null, byte[]? body = null, string account = Account)
    {
        S3Request request;
        try
        {
            request = Request(method, bucket, key, query, headers, body, account);
        }
        catch (AwsErrorException e)
        {
            return new S3Result(null, e.Error, []);
        }

        return await SendAsync(request);
    }

    public async Task<S3Result> SendAsync(S3Request request)
    {
        try
        {
            await using var response = await Engine.ExecuteAsync(request);
            var body = response.Body ?? [];
            if (response.BodyWriter is not null)
            {
                using var output = new MemoryStream();
                await response.BodyWriter(output, CancellationToken.None);
                body = output.ToArray();
            }

            return new S3Result(response, null, body);
        }
        catch (AwsErrorException e)
        {
            return new S3Result(null, e.Error, []);
        }
    }

    public Task<S3Result> PutAsync(string bucket, string key, string content, params (string Name, string Value)[] headers) =>
        SendAsync("PUT", bucket, key, headers: headers, body: Encoding.UTF8.GetBytes(content));

    public async Task CreateBucketAsync(string bucket, string account = Account) =>
        (await SendAsync("PUT", bucket, account: account)).EnsureSuccess();

    /// <summary>Every file under the blob root, committed or temporary.</summary>
    public IReadOnlyList<string> BlobFiles() => Directory.EnumerateFiles(BlobRoot, "*", SearchOption.AllDirectories).ToList();

    public static IReadOnlyDictionary<string, string> ParseQuery(string? query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            result[name] = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>A response (with its body read) or an error.</summary>
public sealed record S3Result(S3Response? Response, AwsError? Error, byte[] Body)
{
    public static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    public int Status => Error?.StatusCode ?? Response!.StatusCode;

    public string Text => Encoding.UTF8.GetString(Body);

    public XElement Xml => XDocument.Parse(Text).Root!;

    public string? Header(string name) => Response?.Header(name);

    public S3Result EnsureSuccess()
    {
        Assert.True(Error is null, $"Expected success, got {Error?.Code}: {Error?.Message}");
        return this;
    }

    public AwsError AssertError(string code, int status)
    {
        Assert.True(Error is not null, $"Expected {code}, got HTTP {Response?.StatusCode}");
        Assert.Equal(code, Error!.Code);
        Assert.Equal(status, Error.StatusCode);
        return Error;
    }

    public string Value(string element) => Xml.Descendants(S3 + element).First().Value;

    public IReadOnlyList<string> Values(string path) =>
        path.Split('/').Aggregate((IEnumerable<XElement>)[Xml], (nodes, name) => nodes.Elements(S3 + name)).Select(e => e.Value).ToList();
}
