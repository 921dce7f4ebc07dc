// An S3 PUT body into a temporary blob: hashing in line with the copy against hashing beside it.
// Run: dotnet run -c Release --project bench/Irsa.Benchmarks -- --filter '*PutBody*'
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Irsa.S3.Blobs;
using Irsa.S3.Integrity;
using Irsa.S3.Protocol;

namespace Irsa.Benchmarks.S3;

/// <summary>
/// One 64 MiB body, delivered in socket-sized pieces, verified (Content-MD5, and a CRC32 as the SDKs send by default)
/// and written to a temporary blob that is then discarded (no fsync: the disk's speed is not what is compared). The
/// baseline reads the payload as a stream with an 80 KiB buffer, so every digest runs on the copying thread;
/// <c>CopyVerifiedToAsync</c> runs the digests on other threads beside the read and the write. On a machine with
/// cores to spare, the second approaches the cost of the slowest digest alone.
/// </summary>
[MemoryDiagnoser]
public class PutBodyBenchmarks
{
    private const int Size = 64 * 1024 * 1024;
    private byte[] _body = null!;
    private string _directory = null!;
    private DirectoryBlobStore _blobs = null!;
    private S3Headers _headers = null!;

    [Params(false, true)]
    public bool WithCrc32 { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = RandomNumberGenerator.GetBytes(Size);
        _directory = Path.Combine(Path.GetTempPath(), "irsa-s3-bench-" + Guid.NewGuid().ToString("N"));
        _blobs = new DirectoryBlobStore(_directory);
#pragma warning disable CA5351 // Content-MD5 is MD5 by definition.
        var md5 = Convert.ToBase64String(MD5.HashData(_body));
#pragma warning restore CA5351
        var crc32 = Convert.ToBase64String(IncrementalChecksum.Compute(ChecksumAlgorithm.Crc32, _body));
        _headers = new S3Headers(WithCrc32
            ? [new("Content-MD5", md5), new("x-amz-checksum-crc32", crc32)]
            : [new KeyValuePair<string, string>("Content-MD5", md5)]);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true, Description = "read with an 80 KiB buffer, hash in line, write")]
    public async Task Sequential()
    {
        await using var writer = _blobs.BeginWrite();
        using var payload = RequestPayload.ForBody(new SocketSizedReads(_body), _headers);
        var buffer = new byte[81920];
        int read;
        while ((read = await payload.ReadAsync(buffer)) > 0)
        {
            await writer.Content.WriteAsync(buffer.AsMemory(0, read));
        }
    }

    [Benchmark(Description = "CopyVerifiedToAsync (digests beside the write)")]
    public async Task FannedOut()
    {
        await using var writer = _blobs.BeginWrite();
        using var payload = RequestPayload.ForBody(new SocketSizedReads(_body), _headers);
        await payload.CopyVerifiedToAsync(writer.Content, long.MaxValue, CancellationToken.None);
    }

    /// <summary>A body that hands out at most 64 KiB a read, as a request body stream does.</summary>
    private sealed class SocketSizedReads(byte[] data) : MemoryStream(data, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 64 * 1024)], cancellationToken);
    }
}
