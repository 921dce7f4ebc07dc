namespace Irsa.S3.Multipart;

/// <summary>Reads several streams one after another, opening each only when the previous one is exhausted.</summary>
internal sealed class ConcatenatedStream(IEnumerable<Func<Stream>> sources) : Stream
{
    private readonly IEnumerator<Func<Stream>> _sources = sources.GetEnumerator();
    private Stream? _current;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_current is null)
            {
                if (!_sources.MoveNext())
                {
                    return 0;
                }

                _current = _sources.Current();
            }

            var read = await _current.ReadAsync(buffer, cancellationToken);
            if (read > 0 || buffer.Length == 0)
            {
                return read;
            }

            await _current.DisposeAsync();
            _current = null;
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            _sources.Dispose();
        }

        base.Dispose(disposing);
    }
}
