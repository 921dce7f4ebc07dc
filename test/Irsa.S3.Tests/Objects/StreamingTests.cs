using System.Security.Cryptography;
using Irsa.S3.Integrity;
using Irsa.S3.Protocol;
using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Objects;

[CollectionDefinition(nameof(AllocationMeasurements), DisableParallelization = true)]
public sealed class AllocationMeasurements;

/// <summary>Large bodies stream through bounded buffers: allocation stays far below the object size.</summary>
[Collection(nameof(AllocationMeasurements))]
public sealed class StreamingTests : IAsyncLifetime
{
    private const string Bucket = "streams";
    private const long ObjectSize = 48L * 1024 * 1024;
    private S3TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await S3TestHost.CreateAsync();
        await _host.CreateBucketAsync(Bucket);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_large_put_and_get_keep_memory_flat()
    {
        var source = new GeneratedStream(ObjectSize);
        var request = _host.Request("PUT", Bucket, "big", headers: [("x-amz-sdk-checksum-algorithm", "CRC32")],
            payload: RequestPayload.ForBody(source, new S3Headers([new("x-amz-sdk-checksum-algorithm", "CRC32")])));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var put = await _host.Engine.ExecuteAsync(request);
        var putAllocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(ObjectSize, put.BytesTransferredIn);
        Assert.True(putAllocated < ObjectSize / 8, $"PutObject allocated {putAllocated} bytes for a {ObjectSize}-byte object");

        var get = await _host.Engine.ExecuteAsync(_host.Request("GET", Bucket, "big"));
        var sink = new HashingSink();
        before = GC.GetTotalAllocatedBytes(precise: true);
        await get.BodyWriter!(sink, CancellationToken.None);
        var getAllocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(ObjectSize, sink.Length);
        Assert.True(getAllocated < ObjectSize / 8, $"GetObject allocated {getAllocated} bytes for a {ObjectSize}-byte object");
        Assert.Equal(source.Md5Hex, sink.Md5Hex);
        Assert.Equal("\"" + source.Md5Hex + "\"", put.Header("ETag"));
    }

    [Fact]
    public async Task A_get_streams_the_object_it_described_even_if_the_key_is_overwritten_meanwhile()
    {
        await _host.PutAsync(Bucket, "snapshot", "old content");
        await using var get = await _host.Engine.ExecuteAsync(_host.Request("GET", Bucket, "snapshot"));
        await _host.PutAsync(Bucket, "snapshot", "new");
        using var output = new MemoryStream();
        await get.BodyWriter!(output, CancellationToken.None);
        Assert.Equal("old content", System.Text.Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(11, get.ContentLength);
        Assert.Equal("new", (await _host.SendAsync("GET", Bucket, "snapshot")).Text);
    }

    [Fact]
    public async Task Concurrent_puts_of_one_key_leave_one_whole_object()
    {
        var bodies = Enumerable.Range(0, 8).Select(i => Enumerable.Repeat((byte)('a' + i), 200_000 + i).ToArray()).ToList();
        await Task.WhenAll(bodies.Select(body => Task.Run(async () => (await _host.SendAsync("PUT", Bucket, "contended", body: body)).EnsureSuccess())));
        var get = (await _host.SendAsync("GET", Bucket, "contended")).EnsureSuccess();
        var winner = Assert.Single(bodies, b => b.AsSpan().SequenceEqual(get.Body));
        Assert.Equal("\"" + TestData.Md5Hex(winner) + "\"", get.Header("ETag"));
        Assert.Single(_host.BlobFiles());
    }

    /// <summary>Deterministic bytes produced on the fly; reading past the end twice means someone re-reads the body.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private long _position;
        private bool _endReported;

        public string Md5Hex => Convert.ToHexStringLower(_md5.GetCurrentHash());

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, length - _position);
            if (count == 0)
            {
                Assert.False(_endReported, "The body was read again after its end.");
                _endReported = true;
                return 0;
            }

            for (var i = 0; i < count; i++)
            {
                buffer[i] = (byte)((_position + i) * 7 % 251);
            }

            _md5.AppendData(buffer[..count]);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _md5.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A response sink that keeps only a hash and a count.</summary>
    private sealed class HashingSink : Stream
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private long _length;

        public string Md5Hex => Convert.ToHexStringLower(_md5.GetCurrentHash());

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _md5.AppendData(buffer);
            _length += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _md5.Dispose();
            base.Dispose(disposing);
        }
    }
}
