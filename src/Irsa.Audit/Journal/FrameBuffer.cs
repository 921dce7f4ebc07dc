using System.Buffers;
using Irsa.Core.Buffers;

namespace Irsa.Audit.Journal;

/// <summary>
/// One <see cref="JournalLog"/> frame being built: room for its header, then its payload, which the row encoder and the
/// record's JSON writer write in place. Each thread keeps one (<see cref="ForThisThread"/>), so an audited call
/// serialises its record and writes its frame without allocating either.
/// </summary>
internal sealed class FrameBuffer : IBufferWriter<byte>
{
    [ThreadStatic]
    private static FrameBuffer? s_threadBuffer;

    private byte[] _buffer = new byte[4096];
    private int _written = JournalLog.FrameHeaderLength;

    /// <summary>This thread's buffer, emptied. Use it and <see cref="Release"/> it before the thread awaits anything.</summary>
    public static FrameBuffer ForThisThread()
    {
        var buffer = s_threadBuffer ??= new FrameBuffer();
        buffer._written = JournalLog.FrameHeaderLength;
        return buffer;
    }

    /// <summary>Forgets an oversized buffer, so one huge record does not pin its size to the thread for good.</summary>
    public void Release()
    {
        if (_buffer.Length > ThreadBuffer.KeptCapacity && ReferenceEquals(s_threadBuffer, this))
        {
            s_threadBuffer = null;
        }
    }

    /// <summary>The frame: header room, then the payload written so far.</summary>
    public Span<byte> Frame => _buffer.AsSpan(0, _written);

    /// <summary>How many bytes are written, header room included (a position to patch a length at later).</summary>
    public int Written => _written;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 256);
        if (_buffer.Length - _written < sizeHint)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _written + sizeHint));
        }
    }
}
