namespace Irsa.S3.Protocol;

/// <summary>
/// What the host writes back: status, headers and either a small buffered body (XML) or a streaming writer.
/// </summary>
/// <remarks>
/// Note: a GetObject response holds its blob open from the moment the handler returns, so the bytes it streams are
/// the version it described even if the key is overwritten meanwhile; the host disposes the response when done.
/// </remarks>
public sealed class S3Response : IAsyncDisposable
{
    private IAsyncDisposable? _ownedResource;
    public int StatusCode { get; init; } = 200;

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>A buffered body (XML documents, the policy JSON); null with <see cref="BodyWriter"/> or no body.</summary>
    public byte[]? Body { get; init; }

    /// <summary>Streams the body (object bytes) into the response; the host must send <see cref="ContentLength"/>.</summary>
    public Func<Stream, CancellationToken, Task>? BodyWriter { get; init; }

    /// <summary>The Content-Length to send: the buffered body's length, the streamed byte count, or the object size on HEAD.</summary>
    public long? ContentLength { get; init; }

    /// <summary>Request payload bytes consumed, for CloudTrail's <c>bytesTransferredIn</c>.</summary>
    public long BytesTransferredIn { get; init; }

    /// <summary>Body bytes this response carries, for CloudTrail's <c>bytesTransferredOut</c>.</summary>
    public long BytesTransferredOut { get; init; }

    public S3Response WithHeader(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Releases what the response holds open (an object's blob) if the body was never written.</summary>
    public ValueTask DisposeAsync() => _ownedResource?.DisposeAsync() ?? ValueTask.CompletedTask;

    internal S3Response Owning(IAsyncDisposable resource)
    {
        _ownedResource = resource;
        return this;
    }

    public static S3Response NoContent() => new() { StatusCode = 204 };

    public static S3Response Xml(byte[] body, int statusCode = 200)
    {
        var response = new S3Response { StatusCode = statusCode, Body = body, ContentLength = body.Length, BytesTransferredOut = body.Length };
        return response.WithHeader("Content-Type", "application/xml");
    }
}
