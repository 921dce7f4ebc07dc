using System.Security.Cryptography;
using Irsa.Core.Aws;
using Irsa.S3.Protocol;

namespace Irsa.S3.Integrity;

/// <summary>The one <see cref="RequestPayload"/>: hashes while it reads and checks every claim at end of stream.</summary>
internal sealed class VerifyingRequestPayload : RequestPayload
{
    private readonly Stream _inner;
    private readonly Func<IReadOnlyList<KeyValuePair<string, string>>>? _trailers;
    private readonly IncrementalHash _md5;
    private readonly IncrementalHash? _sha256ForHeader;
    private readonly string? _expectedContentSha256;
    private readonly byte[]? _expectedMd5;
    private readonly string? _contentMd5Text;
    private readonly string? _trailerName;
    private readonly ChecksumAlgorithm _trailerAlgorithm;
    private readonly Dictionary<ChecksumAlgorithm, IncrementalChecksum> _checksums = [];
    private readonly Dictionary<ChecksumAlgorithm, byte[]> _digests = [];
    private (ChecksumAlgorithm Algorithm, byte[] Expected)? _headerChecksum;
    private byte[]? _md5Digest;
    private long _bytesRead;
    private bool _started;
    private bool _complete;

    public VerifyingRequestPayload(Stream inner, S3Headers headers, Func<IReadOnlyList<KeyValuePair<string, string>>>? trailers,
        bool checksumHeadersDescribeBody)
    {
        _inner = inner;
        _trailers = trailers;
#pragma warning disable CA5351 // MD5 is S3's ETag and Content-MD5, an integrity check rather than a security decision.
        _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351

        _contentMd5Text = headers["Content-MD5"];
        if (_contentMd5Text is not null)
        {
            var md5 = new byte[16];
            if (!Convert.TryFromBase64String(_contentMd5Text.Trim(), md5, out var written) || written != 16)
            {
                throw new AwsErrorException(S3Errors.InvalidDigest(_contentMd5Text));
            }

            _expectedMd5 = md5;
        }

        var contentSha256 = headers["x-amz-content-sha256"];
        if (contentSha256 is { Length: 64 } && contentSha256.All(Uri.IsHexDigit))
        {
            _expectedContentSha256 = contentSha256.ToLowerInvariant();
            _sha256ForHeader = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }

        var sdkAlgorithmText = headers["x-amz-sdk-checksum-algorithm"];
        if (!checksumHeadersDescribeBody)
        {
            return;
        }

        if (sdkAlgorithmText is not null)
        {
            if (!ChecksumNames.TryParse(sdkAlgorithmText, out var sdkAlgorithm))
            {
                throw new AwsErrorException(S3Errors.InvalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid."));
            }

            SdkChecksumAlgorithm = sdkAlgorithm;
            AlsoCompute(sdkAlgorithm);
        }

        foreach (var header in headers.WithPrefix("x-amz-checksum-"))
        {
            if (!ChecksumNames.TryParseHeaderName(header.Key, out var algorithm))
            {
                continue; // x-amz-checksum-mode, -algorithm and -type name things; they carry no digest.
            }

            if (_headerChecksum is not null)
            {
                throw new AwsErrorException(S3Errors.InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."));
            }

            var expected = ChecksumNames.TryDecode(algorithm, header.Value)
                ?? throw new AwsErrorException(S3Errors.InvalidRequest($"Value for {ChecksumNames.HeaderName(algorithm)} header is invalid."));
            _headerChecksum = (algorithm, expected);
            AlsoCompute(algorithm);
        }

        if (trailers is not null && headers["x-amz-trailer"] is { } trailerName)
        {
            if (!ChecksumNames.TryParseHeaderName(trailerName.Trim(), out var algorithm))
            {
                throw new AwsErrorException(S3Errors.InvalidRequest("The value specified in the x-amz-trailer header is not supported"));
            }

            _trailerName = trailerName.Trim();
            _trailerAlgorithm = algorithm;
            AlsoCompute(algorithm);
        }

        var claimed = _headerChecksum?.Algorithm ?? (_trailerName is null ? null : (ChecksumAlgorithm?)_trailerAlgorithm);
        if (SdkChecksumAlgorithm is { } sdk && claimed is { } client && sdk != client)
        {
            throw new AwsErrorException(S3Errors.InvalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid."));
        }

        ClientChecksum = claimed;
    }

    public override bool IsComplete => _complete;

    public override long BytesRead => _bytesRead;

    public override byte[] Md5 => _md5Digest ?? throw new InvalidOperationException("The payload has not been read to its end.");

    public override ChecksumAlgorithm? ClientChecksum { get; }

    public override ChecksumAlgorithm? SdkChecksumAlgorithm { get; }

    public override void AlsoCompute(ChecksumAlgorithm algorithm)
    {
        if (_started)
        {
            throw new InvalidOperationException("Checksums must be requested before the payload is read.");
        }

        if (!_checksums.ContainsKey(algorithm))
        {
            _checksums[algorithm] = new IncrementalChecksum(algorithm);
        }
    }

    public override byte[]? Digest(ChecksumAlgorithm algorithm)
    {
        if (!_complete)
        {
            throw new InvalidOperationException("The payload has not been read to its end.");
        }

        return _digests.GetValueOrDefault(algorithm);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        _started = true;
        var read = _complete ? 0 : _inner.Read(buffer);
        return Account(buffer[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _started = true;
        var read = _complete ? 0 : await _inner.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span[..read]);
    }

    public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) =>
        CopyVerifiedToAsync(destination, long.MaxValue, cancellationToken);

    public override async Task CopyVerifiedToAsync(Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        _started = true;
        if (_complete)
        {
            return;
        }

        List<Action<ReadOnlySpan<byte>>> digests = [_md5.AppendData];
        if (_sha256ForHeader is { } sha256)
        {
            digests.Add(sha256.AppendData);
        }

        digests.AddRange(_checksums.Values.Select(checksum => (Action<ReadOnlySpan<byte>>)checksum.Append));
        await FanOutCopy.RunAsync(_inner, destination, digests, read =>
        {
            _bytesRead += read;
            if (_bytesRead > maxBytes)
            {
                throw new AwsErrorException(S3Errors.EntityTooLarge(_bytesRead, maxBytes));
            }
        }, cancellationToken);
        Finish();
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0)
        {
            _bytesRead += data.Length;
            _md5.AppendData(data);
            _sha256ForHeader?.AppendData(data);
            foreach (var checksum in _checksums.Values)
            {
                checksum.Append(data);
            }
        }
        else if (!_complete)
        {
            Finish();
        }

        return data.Length;
    }

    /// <summary>End of stream: every claim is checked before the caller sees the final 0.</summary>
    private void Finish()
    {
        _md5Digest = _md5.GetCurrentHash();
        foreach (var (algorithm, checksum) in _checksums)
        {
            _digests[algorithm] = checksum.GetCurrentDigest();
        }

        if (_expectedContentSha256 is not null)
        {
            var computed = Convert.ToHexStringLower(_sha256ForHeader!.GetCurrentHash());
            if (computed != _expectedContentSha256)
            {
                throw new AwsErrorException(S3Errors.ContentSha256Mismatch(_expectedContentSha256, computed));
            }
        }

        if (_expectedMd5 is not null && !_expectedMd5.AsSpan().SequenceEqual(_md5Digest))
        {
            throw new AwsErrorException(S3Errors.BadDigestMd5(_contentMd5Text!.Trim(), Convert.ToBase64String(_md5Digest)));
        }

        if (_headerChecksum is { } header)
        {
            Verify(header.Algorithm, header.Expected);
        }

        if (_trailerName is not null)
        {
            var algorithm = _trailerAlgorithm;
            var value = _trailers!().FirstOrDefault(t => string.Equals(t.Key.Trim(), _trailerName, StringComparison.OrdinalIgnoreCase)).Value;
            var expected = value is null ? null : ChecksumNames.TryDecode(algorithm, value);
            if (expected is null)
            {
                throw new AwsErrorException(S3Errors.InvalidRequest($"Value for {ChecksumNames.HeaderName(algorithm)} trailing header is invalid."));
            }

            Verify(algorithm, expected);
        }

        _complete = true;
    }

    private void Verify(ChecksumAlgorithm algorithm, byte[] expected)
    {
        if (!expected.AsSpan().SequenceEqual(_digests[algorithm]))
        {
            throw new AwsErrorException(S3Errors.BadDigestChecksum(ChecksumNames.Name(algorithm)));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _md5.Dispose();
            _sha256ForHeader?.Dispose();
            foreach (var checksum in _checksums.Values)
            {
                checksum.Dispose();
            }

            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
