using System.Text;
using Irsa.S3.Integrity;
using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Integrity;

public sealed class ChecksumTests
{
    private static readonly byte[] CheckInput = Encoding.ASCII.GetBytes("123456789");

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32, "CBF43926")]
    [InlineData(ChecksumAlgorithm.Crc32C, "E3069283")]
    [InlineData(ChecksumAlgorithm.Crc64Nvme, "AE8B14860A799888")]
    [InlineData(ChecksumAlgorithm.Sha1, "F7C3BC1D808E04732ADF679965CCC34CA7AE3441")]
    [InlineData(ChecksumAlgorithm.Sha256, "15E2B0D3C33891EBB0F1EF609EC419420C20E320CE94C65FBC8C3312448EB225")]
    public void Check_values_of_123456789_are_big_endian(ChecksumAlgorithm algorithm, string expectedHex) =>
        Assert.Equal(expectedHex, Convert.ToHexString(IncrementalChecksum.Compute(algorithm, CheckInput)));

    [Fact]
    public void Crc32_of_hello_world_is_the_spec_value() =>
        Assert.Equal("DUoRhQ==", Convert.ToBase64String(IncrementalChecksum.Compute(ChecksumAlgorithm.Crc32, Encoding.ASCII.GetBytes("hello world"))));

    [Fact]
    public void Crc64Nvme_of_1024_A_is_the_s3_tests_value() =>
        Assert.Equal("Qeh8oXvGiSo=", Convert.ToBase64String(IncrementalChecksum.Compute(ChecksumAlgorithm.Crc64Nvme, TestData.Repeat('A', 1024))));

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32)]
    [InlineData(ChecksumAlgorithm.Crc32C)]
    [InlineData(ChecksumAlgorithm.Crc64Nvme)]
    [InlineData(ChecksumAlgorithm.Sha1)]
    [InlineData(ChecksumAlgorithm.Sha256)]
    public async Task Incremental_computation_over_a_stream_equals_one_shot(ChecksumAlgorithm algorithm)
    {
        var data = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31)).ToArray();
        var streamed = await IncrementalChecksum.ComputeAsync(algorithm, new MemoryStream(data));
        using var pieces = new IncrementalChecksum(algorithm);
        pieces.Append(data.AsSpan(0, 7));
        pieces.Append(data.AsSpan(7));
        Assert.Equal(IncrementalChecksum.Compute(algorithm, data), streamed);
        Assert.Equal(streamed, pieces.GetCurrentDigest());
    }

    [Theory]
    [InlineData("x-amz-checksum-crc64nvme", ChecksumAlgorithm.Crc64Nvme)]
    [InlineData("X-Amz-Checksum-CRC32C", ChecksumAlgorithm.Crc32C)]
    public void Header_names_map_to_algorithms(string header, ChecksumAlgorithm expected)
    {
        Assert.True(ChecksumNames.TryParseHeaderName(header, out var algorithm));
        Assert.Equal(expected, algorithm);
        Assert.False(ChecksumNames.TryParseHeaderName("x-amz-checksum-mode", out _));
    }
}
