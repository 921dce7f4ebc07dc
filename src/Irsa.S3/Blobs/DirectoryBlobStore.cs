using System.Security.Cryptography;

namespace Irsa.S3.Blobs;

/// <summary>
/// Blobs as files under one root: <c>objects/xx/id</c> for committed blobs, <c>tmp/id</c> while writing.
/// Ids are random hex chosen here, so no user input ever becomes part of a path.
/// </summary>
public sealed class DirectoryBlobStore : IBlobStore
{
    private const int BufferSize = 81920;
    private readonly string _objects;
    private readonly string _temporary;

    /// <summary>Opens (creating) the store; temporary files a crash left behind are removed, they were never visible.</summary>
    public DirectoryBlobStore(string root)
    {
        _objects = Path.Combine(root, "objects");
        _temporary = Path.Combine(root, "tmp");
        Directory.CreateDirectory(_objects);
        Directory.CreateDirectory(_temporary);
        foreach (var leftover in Directory.EnumerateFiles(_temporary))
        {
            File.Delete(leftover);
        }
    }

    public IBlobWriter BeginWrite()
    {
        var id = NewId();
        var path = Path.Combine(_temporary, id);
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
        return new Writer(this, id, path, stream);
    }

    public Stream OpenRead(string blobId, long offset = 0, long? length = null)
    {
        // Unbuffered: every reader copies through its own large buffer, so a FileStream buffer would only add a copy
        // (and an 80 KiB allocation per open, most of the work of a small GET). No SequentialScan: its fadvise is a system
        // call on every open, a tenth of a small GET's, and the kernel's readahead already grows on sequential reads.
        var stream = new FileStream(PathOf(blobId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            bufferSize: 0, FileOptions.Asynchronous);
        stream.Seek(offset, SeekOrigin.Begin);
        return length is { } bounded ? new BoundedReadStream(stream, bounded) : stream;
    }

    public long GetSize(string blobId) => new FileInfo(PathOf(blobId)).Length;

    public void Delete(string blobId)
    {
        var path = PathOf(blobId);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private string PathOf(string blobId)
    {
        // Ids come from NewId; anything else is refused rather than joined into a path.
        if (blobId.Length != 32 || !blobId.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a blob id.", nameof(blobId));
        }

        return Path.Combine(_objects, blobId[..2], blobId);
    }

    private sealed class Writer(DirectoryBlobStore store, string id, string temporaryPath, FileStream stream) : IBlobWriter
    {
        private bool _committed;

        public Stream Content => stream;

        public async Task<string> CommitAsync(CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            // fsync before the rename: after a crash the name never points at bytes that are not on disk.
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync();
            var target = store.PathOf(id);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(temporaryPath, target);
            _committed = true;
            return id;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync();
            if (!_committed && File.Exists(temporaryPath))
            {
                File.Delete(temporaryPath);
            }
        }
    }

    /// <summary>Limits reads to a byte range without copying (ranged GETs, part copies).</summary>
    private sealed class BoundedReadStream(Stream inner, long length) : Stream
    {
        private readonly long _length = length;
        private long _remaining = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position
        {
            get => _length - _remaining;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
            _remaining -= read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken);
            _remaining -= read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
