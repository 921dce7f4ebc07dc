namespace Irsa.SigV4.Streaming;

/// <summary>Bounds of an <see cref="AwsChunkedStream"/>; each one caps work or memory a client can demand.</summary>
public sealed class AwsChunkedStreamOptions
{
    /// <summary>
    /// Largest chunk accepted. Chunks are hashed as they stream, so this bounds nothing in memory; it bounds how
    /// much unverified data a client can send before its signature is checked. SDKs use 64 KiB to 1 MiB.
    /// </summary>
    public long MaxChunkSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>Longest chunk size line (<c>hex;chunk-signature=...</c>) without its CRLF.</summary>
    public int MaxChunkHeaderLength { get; init; } = 4096;

    /// <summary>Most bytes in the trailer section, every line and CRLF included.</summary>
    public int MaxTrailerSectionLength { get; init; } = 16384;

    /// <summary>Most trailer headers, not counting <c>x-amz-trailer-signature</c>.</summary>
    public int MaxTrailerCount { get; init; } = 8;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChunkSize, 1L, nameof(MaxChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChunkHeaderLength, 16, nameof(MaxChunkHeaderLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTrailerSectionLength, 2, nameof(MaxTrailerSectionLength));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxTrailerCount, nameof(MaxTrailerCount));
    }
}
