using System.Buffers;

namespace Irsa.Core.Buffers;

/// <summary>
/// A byte buffer each thread keeps for work it finishes before it awaits anything (a response document, a record's
/// field measured before it is written), so that work allocates no buffer per call. Every user keeps its own
/// <c>[ThreadStatic]</c> slot, so two users never share a buffer, even when one runs inside the other.
/// </summary>
public static class ThreadBuffer
{
    /// <summary>A buffer grown past this by unusually large work is dropped after use rather than kept by its thread for good.</summary>
    public const int KeptCapacity = 64 * 1024;

    /// <summary>The buffer in <paramref name="slot"/> (created on first use), emptied.</summary>
    public static ArrayBufferWriter<byte> Take(ref ArrayBufferWriter<byte>? slot)
    {
        var buffer = slot ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        return buffer;
    }

    /// <summary>After use: empties <paramref name="slot"/> when its buffer grew past <see cref="KeptCapacity"/>.</summary>
    public static void Trim(ref ArrayBufferWriter<byte>? slot)
    {
        if (slot is { Capacity: > KeptCapacity })
        {
            slot = null;
        }
    }
}
