using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Irsa.SigV4.Streaming;

/// <summary>
/// A read-only, forward-only view of the decoded payload of an aws-chunked request body
/// (<c>x-amz-content-sha256: STREAMING-*</c>), which verifies the framing, every chunk signature (chained from the
/// seed signature), the trailer section and <c>x-amz-decoded-content-length</c> as it reads.
/// </summary>
/// <remarks>
/// <para>
/// A chunk's signature can only be checked after its last byte. The check runs inside the read that reaches the
/// chunk's end, so a bad chunk fails that read and its final bytes are never reported as read. Earlier bytes of a
/// bad chunk may already have been returned: treat everything read as provisional until <c>Read</c> returns 0,
/// which happens only after the whole body (final chunk, trailers, end of input) checked out. Any fault throws
/// <see cref="AwsChunkedException"/>, and every later read throws it again; the stream never reports the end of a
/// bad body. Read to the end even when the decoded length is known, or the last chunk is never checked.
/// </para>
/// <para>
/// Work is bounded by <see cref="AwsChunkedStreamOptions"/>: a size line, the trailer section and the read-ahead
/// buffer are capped, data is hashed as it passes, and a truncated body fails at the input's end, never waits.
/// </para>
/// <para>Not thread-safe, like any stream.</para>
/// </remarks>
public sealed class AwsChunkedStream : Stream
{
    private const int SignatureHexLength = 64;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private readonly Stream _body;
    private readonly SigV4StreamingContext _context;
    private readonly AwsChunkedStreamOptions _options;
    private readonly bool _leaveOpen;
    private readonly IncrementalHash? _chunkHash;

    // Read-ahead of raw body bytes; [_start, _end) is unread. Holds at most one size line or trailer line.
    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    private State _state = State.ChunkHeader;
    private long _chunkRemaining;
    private long _decodedLength;
    private string _previousSignature;
    private string? _providedChunkSignature;
    private List<KeyValuePair<string, string>>? _trailers;
    private SigV4Error? _failure;
    private bool _disposed;

    /// <summary>Wraps a raw request body.</summary>
    /// <param name="body">The body exactly as received (HTTP transfer coding already removed).</param>
    /// <param name="context">From <see cref="SigV4Identity.StreamingContext"/> of the verified request.</param>
    /// <param name="options">Bounds; defaults when null.</param>
    /// <param name="leaveOpen">Leave <paramref name="body"/> open when this stream is disposed.</param>
    public AwsChunkedStream(Stream body, SigV4StreamingContext context, AwsChunkedStreamOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(context);
        if (!body.CanRead)
        {
            throw new ArgumentException("The body must be readable.", nameof(body));
        }

        _options = options ?? new AwsChunkedStreamOptions();
        _options.Validate();
        _body = body;
        _context = context;
        _leaveOpen = leaveOpen;
        _previousSignature = context.SeedSignature;
        _chunkHash = context.ChunksSigned ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        _buffer = new byte[Math.Max(_options.MaxChunkHeaderLength, _options.MaxTrailerSectionLength) + 2];
    }

    private enum State
    {
        ChunkHeader,
        ChunkData,
        TrailerSection,
        Done,
    }

    /// <summary>Decoded bytes returned so far.</summary>
    public long DecodedLength => _decodedLength;

    /// <summary>The body was read to its end and everything in it verified.</summary>
    public bool Completed => _state == State.Done;

    /// <summary>
    /// The trailer headers (lower-case names, trimmed values, in the order sent; without
    /// <c>x-amz-trailer-signature</c>). Only available once <see cref="Completed"/>: before that they are unverified.
    /// </summary>
    /// <exception cref="InvalidOperationException">The body has not been read to a successful end.</exception>
    public IReadOnlyList<KeyValuePair<string, string>> Trailers => _state == State.Done
        ? _trailers!
        : throw new InvalidOperationException("Trailers are available only after the body has been read to its end.");

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);

        // Without async I/O nothing in the core suspends, so the ValueTask is already complete.
        var pending = ReadCoreAsync(buffer.AsMemory(offset, count), useAsync: false, CancellationToken.None);
        return pending.IsCompleted ? pending.Result : throw new InvalidOperationException("A synchronous read suspended.");
    }

    public override int Read(Span<byte> buffer)
    {
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var read = Read(rented, 0, buffer.Length);
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadCoreAsync(buffer.AsMemory(offset, count), useAsync: true, cancellationToken).AsTask();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(buffer, useAsync: true, cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _chunkHash?.Dispose();
            if (!_leaveOpen)
            {
                _body.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private static AwsChunkedException Fail(SigV4Error error) => new(error);

    private async ValueTask<int> ReadCoreAsync(Memory<byte> destination, bool useAsync, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw Fail(_failure);
        }

        if (destination.IsEmpty)
        {
            return 0;
        }

        try
        {
            while (true)
            {
                switch (_state)
                {
                    case State.Done:
                        return 0;
                    case State.ChunkHeader:
                        await ReadChunkHeaderAsync(useAsync, cancellationToken).ConfigureAwait(false);
                        break;
                    case State.ChunkData:
                        var read = await ReadChunkDataAsync(destination, useAsync, cancellationToken).ConfigureAwait(false);
                        if (_chunkRemaining == 0)
                        {
                            // Check the chunk before its last bytes are reported as read.
                            await ExpectCrlfAsync(useAsync, cancellationToken).ConfigureAwait(false);
                            VerifyChunkSignature();
                            _state = State.ChunkHeader;
                        }

                        return read;
                    case State.TrailerSection:
                        await ReadTrailerSectionAsync(useAsync, cancellationToken).ConfigureAwait(false);
                        await ExpectEndOfBodyAsync(useAsync, cancellationToken).ConfigureAwait(false);
                        _state = State.Done;
                        return 0;
                }
            }
        }
        catch (AwsChunkedException e)
        {
            _failure = e.Error;
            throw;
        }
        catch (Exception)
        {
            // The body failed or the read was cancelled part-way: the position in the framing is lost for good.
            _failure = SigV4Errors.IncompleteBody();
            throw;
        }
    }

    private async ValueTask ReadChunkHeaderAsync(bool useAsync, CancellationToken cancellationToken)
    {
        var (start, length) = await ReadLineAsync(_options.MaxChunkHeaderLength, SigV4Errors.IncompleteBody(), useAsync, cancellationToken)
            .ConfigureAwait(false);
        var line = _buffer.AsSpan(start, length);
        var semicolon = line.IndexOf((byte)';');
        var sizeText = semicolon < 0 ? line : line[..semicolon];
        var size = ParseChunkSize(sizeText);

        _providedChunkSignature = null;
        if (_context.ChunksSigned)
        {
            // A signed chunk without its signature is a framing fault to S3, not a signature mismatch.
            var prefix = "chunk-signature="u8;
            var extension = semicolon < 0 ? [] : line[(semicolon + 1)..];
            if (extension.Length != prefix.Length + SignatureHexLength || !extension.StartsWith(prefix) || !IsHex(extension[prefix.Length..]))
            {
                throw Fail(SigV4Errors.IncompleteBody());
            }

            _providedChunkSignature = Encoding.ASCII.GetString(extension[prefix.Length..]);
        }
        else if (semicolon >= 0)
        {
            throw Fail(SigV4Errors.IncompleteBody());
        }

        if (_context.DecodedContentLength is { } declared && _decodedLength + size > declared)
        {
            throw Fail(SigV4Errors.IncompleteBody());
        }

        if (size > 0)
        {
            _chunkRemaining = size;
            _state = State.ChunkData;
            return;
        }

        // The zero-size chunk ends the data; it is signed like any other (over the empty string).
        VerifyChunkSignature();
        if (_context.DecodedContentLength is { } expected && _decodedLength != expected)
        {
            throw Fail(SigV4Errors.IncompleteBody());
        }

        _state = State.TrailerSection;
    }

    private long ParseChunkSize(ReadOnlySpan<byte> hex)
    {
        if (hex.IsEmpty)
        {
            throw Fail(SigV4Errors.IncompleteBody());
        }

        // Upper case (.NET) and lower case (botocore, JS) both occur. Checked against the cap per digit, so no
        // number of digits can overflow.
        long size = 0;
        foreach (var b in hex)
        {
            var digit = HexValue(b);
            if (digit < 0)
            {
                throw Fail(SigV4Errors.IncompleteBody());
            }

            size = (size * 16) + digit;
            if (size > _options.MaxChunkSize)
            {
                throw Fail(SigV4Errors.IncompleteBody());
            }
        }

        return size;
    }

    private async ValueTask<int> ReadChunkDataAsync(Memory<byte> destination, bool useAsync, CancellationToken cancellationToken)
    {
        var wanted = (int)Math.Min(_chunkRemaining, destination.Length);
        int read;
        if (_end > _start)
        {
            read = Math.Min(wanted, _end - _start);
            _buffer.AsSpan(_start, read).CopyTo(destination.Span);
            _start += read;
        }
        else
        {
            // Nothing read ahead: read straight into the caller's buffer.
            read = useAsync
                ? await _body.ReadAsync(destination[..wanted], cancellationToken).ConfigureAwait(false)
                : _body.Read(destination.Span[..wanted]);
            if (read == 0)
            {
                throw Fail(SigV4Errors.IncompleteBody());
            }
        }

        _chunkHash?.AppendData(destination.Span[..read]);
        _chunkRemaining -= read;
        _decodedLength += read;
        return read;
    }

    private void VerifyChunkSignature()
    {
        if (_chunkHash is null)
        {
            return;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        _chunkHash.GetHashAndReset(hash);
        var stringToSign = string.Join(
            '\n',
            SigV4Constants.ChunkAlgorithm,
            _context.AmzDate,
            _context.Scope.ScopeString,
            _previousSignature,
            SigV4Constants.EmptyPayloadSha256,
            Convert.ToHexStringLower(hash));
        _previousSignature = VerifySignature(stringToSign, _providedChunkSignature!);
    }

    /// <summary>Checks <paramref name="provided"/> against the HMAC of <paramref name="stringToSign"/>; returns it in lower case.</summary>
    private string VerifySignature(string stringToSign, string provided)
    {
        Span<byte> computed = stackalloc byte[SigV4Crypto.KeySize];
        SigV4Crypto.HmacText(_context.SigningKey, stringToSign, computed);
        Span<byte> providedBytes = stackalloc byte[SigV4Crypto.KeySize];
        Convert.FromHexString(provided, providedBytes, out _, out _);
        if (!CryptographicOperations.FixedTimeEquals(computed, providedBytes))
        {
            throw Fail(SigV4Errors.StreamingSignatureMismatch(_context.Scope.AccessKeyId, stringToSign, provided));
        }

        return provided.ToLowerInvariant();
    }

    private async ValueTask ReadTrailerSectionAsync(bool useAsync, CancellationToken cancellationToken)
    {
        if (!_context.HasTrailerSection)
        {
            // Without trailers the final chunk is followed by exactly one empty line.
            await ExpectCrlfAsync(useAsync, cancellationToken).ConfigureAwait(false);
            _trailers = [];
            return;
        }

        var trailers = new List<KeyValuePair<string, string>>();
        string? signature = null;
        var budget = _options.MaxTrailerSectionLength;
        while (true)
        {
            var (start, length) = await ReadLineAsync(budget - 2, SigV4Errors.MalformedTrailer(), useAsync, cancellationToken)
                .ConfigureAwait(false);
            budget -= length + 2;
            if (length == 0)
            {
                break;
            }

            var (name, value) = ParseTrailerLine(_buffer.AsSpan(start, length));
            if (name == SigV4Constants.TrailerSignatureName)
            {
                // Only the signed variant has one, once, as the last line, and it is 64 hex digits.
                if (!_context.ChunksSigned || signature is not null || value.Length != SignatureHexLength || !IsHex(value))
                {
                    throw Fail(SigV4Errors.MalformedTrailer());
                }

                signature = value;
            }
            else if (signature is not null || trailers.Count >= _options.MaxTrailerCount || trailers.Exists(t => t.Key == name))
            {
                throw Fail(SigV4Errors.MalformedTrailer());
            }
            else
            {
                trailers.Add(new(name, value));
            }
        }

        // x-amz-trailer is signed with the request, so it decides which trailers may arrive: exactly those.
        var declared = _context.DeclaredTrailers;
        if (declared.Count != trailers.Count || !declared.All(d => trailers.Exists(t => t.Key == d)))
        {
            throw Fail(SigV4Errors.MalformedTrailer());
        }

        if (_context.ChunksSigned && (trailers.Count > 0 || signature is not null))
        {
            if (signature is null)
            {
                throw Fail(SigV4Errors.MalformedTrailer());
            }

            VerifySignature(TrailerStringToSign(trailers), signature);
        }

        _trailers = trailers;
    }

    private string TrailerStringToSign(List<KeyValuePair<string, string>> trailers)
    {
        // Canonical form, as for signed headers: sorted lower-case names, "name:value\n" each.
        var canonical = new StringBuilder();
        foreach (var (name, value) in trailers.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        Span<char> hash = stackalloc char[SignatureHexLength];
        SigV4Crypto.Sha256Hex(canonical.ToString(), hash);
        return string.Join(
            '\n', SigV4Constants.TrailerAlgorithm, _context.AmzDate, _context.Scope.ScopeString, _previousSignature, hash.ToString());
    }

    private static (string Name, string Value) ParseTrailerLine(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            throw Fail(SigV4Errors.MalformedTrailer());
        }

        var name = line[..colon].Trim((byte)' ');
        var value = line[(colon + 1)..];
        if (name.IsEmpty || !IsToken(name) || value.ContainsAnyInRange((byte)0, (byte)8) || value.ContainsAnyInRange((byte)10, (byte)31)
            || value.Contains((byte)127))
        {
            throw Fail(SigV4Errors.MalformedTrailer());
        }

        // Values are canonicalised like signed header values: trimmed, inner whitespace runs collapsed.
        var buffer = new CharBuffer(value.Length);
        try
        {
            CanonicalRequest.AppendTrimmedCollapsed(ref buffer, Encoding.Latin1.GetString(value));
            return (Encoding.ASCII.GetString(name).ToLowerInvariant(), buffer.ToString());
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private async ValueTask ExpectCrlfAsync(bool useAsync, CancellationToken cancellationToken)
    {
        var (_, length) = await ReadLineAsync(0, SigV4Errors.IncompleteBody(), useAsync, cancellationToken).ConfigureAwait(false);
        if (length != 0)
        {
            throw Fail(SigV4Errors.IncompleteBody());
        }
    }

    private async ValueTask ExpectEndOfBodyAsync(bool useAsync, CancellationToken cancellationToken)
    {
        if (_end > _start || await FillAsync(useAsync, cancellationToken).ConfigureAwait(false))
        {
            throw Fail(SigV4Errors.IncompleteBody());
        }
    }

    /// <summary>
    /// Reads up to the next CRLF and returns where the line (without CRLF) sits in <see cref="_buffer"/>; valid until
    /// the next read. A line longer than <paramref name="maxLength"/> fails with <paramref name="tooLong"/>; the end
    /// of the input before a CRLF fails with IncompleteBody.
    /// </summary>
    private async ValueTask<(int Start, int Length)> ReadLineAsync(
        int maxLength, SigV4Error tooLong, bool useAsync, CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var unread = _buffer.AsSpan(_start, _end - _start);
            var crlf = unread[scanned..].IndexOf("\r\n"u8);
            if (crlf >= 0)
            {
                var length = scanned + crlf;
                if (length > maxLength)
                {
                    throw Fail(tooLong);
                }

                var start = _start;
                _start += length + 2;
                return (start, length);
            }

            // The last byte may be the CR of a CRLF that is still to come.
            scanned = Math.Max(0, unread.Length - 1);
            if (scanned > maxLength)
            {
                throw Fail(tooLong);
            }

            if (!await FillAsync(useAsync, cancellationToken).ConfigureAwait(false))
            {
                throw Fail(SigV4Errors.IncompleteBody());
            }
        }
    }

    /// <summary>Reads more of the body behind what is buffered; false at the end of the input.</summary>
    private async ValueTask<bool> FillAsync(bool useAsync, CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        // Callers cap lines below the buffer size, so there is always room here.
        var free = _buffer.AsMemory(_end);
        var read = useAsync
            ? await _body.ReadAsync(free, cancellationToken).ConfigureAwait(false)
            : _body.Read(free.Span);
        _end += read;
        return read > 0;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool IsHex(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (HexValue(b) < 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHex(string text) => !text.AsSpan().ContainsAnyExcept(HexDigits);

    // RFC 9110 token characters: what a header name may contain.
    private static bool IsToken(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            var ok = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                || "!#$%&'*+-.^_`|~"u8.Contains(b);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
