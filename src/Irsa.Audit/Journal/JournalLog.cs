using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Irsa.Audit.Journal;

/// <summary>
/// The journal's durable front: <c>journal.log</c>, an append-only file of checksummed frames, one write per entry.
/// An entry is acknowledged once its frame is written here; the SQLite tables (<see cref="JournalIndex"/>) are
/// built from these frames later, in large batches, off the request path.
/// </summary>
/// <remarks>
/// <para>Why a file of our own: under load a SQLite commit of the one or two rows that arrived during the previous commit
/// wrote a WAL frame per page touched (the table and five indexes), two system calls each plus its locks. Here an entry
/// is one <c>pwrite</c>; the indexes are written when a thousand frames share a transaction.</para>
/// <para>The file is grown ahead of the frames, 4 MiB at a time (sparse, so it costs no disk): a write inside the file's
/// size is about half the kernel's work of one that extends it, which would update the file's size and allocation on
/// every entry. What follows the last frame is zeros, which fail the checksum like any torn tail.</para>
/// <para>A frame is <c>[payload length: int32][CRC-32 of sequence and payload: uint32][sequence: int64][payload]</c>,
/// little-endian; the payload is an <see cref="JournalIndex"/> row. Reading stops at the first frame that is cut short or
/// fails its checksum: the torn tail a crash can leave.</para>
/// </remarks>
internal sealed class JournalLog : IDisposable
{
    public const string FileName = "journal.log";

    /// <summary>Larger than any record (CloudTrail's own fields are capped far below): a length beyond it is corruption.</summary>
    public const int MaxPayloadLength = 16 * 1024 * 1024;

    public const int FrameHeaderLength = 16;

    private const int ReadBufferLength = 4 * 1024 * 1024;

    private const long GrowthLength = 4 * 1024 * 1024;

    private static ReadOnlySpan<byte> Magic => "IRSA-JOURNAL-LOG 1\n"u8;

    private readonly SafeFileHandle _file;
    private readonly string _path;
    private long _length;
    private long _size;
    private byte[] _readBuffer = [];

    private JournalLog(string path, SafeFileHandle file, long length)
    {
        _path = path;
        _file = file;
        _length = length;
        _size = length;
    }

    /// <summary>Where frames begin (after the file's magic line).</summary>
    public static long Start => Magic.Length;

    /// <summary>
    /// The end of the last frame written. When just opened, the end of the file: its tail (zeros past the last frame, or
    /// a frame a crash cut short) is found by reading, and cut off with <see cref="Truncate"/>.
    /// </summary>
    public long Length => Volatile.Read(ref _length);

    /// <summary>Opens (or creates) the log in <paramref name="directory"/>.</summary>
    public static JournalLog Open(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            var length = RandomAccess.GetLength(file);
            if (length == 0)
            {
                RandomAccess.Write(file, Magic, 0);
                length = Magic.Length;
            }
            else
            {
                Span<byte> magic = stackalloc byte[Magic.Length];
                if (length < Magic.Length || RandomAccess.Read(file, magic, 0) != Magic.Length || !magic.SequenceEqual(Magic))
                {
                    throw new InvalidDataException($"{path} is not an Irsa journal log of a version this Irsa reads.");
                }
            }

            return new JournalLog(path, file, length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="frame"/> (<see cref="FrameHeaderLength"/> bytes of room, then the payload) as the frame
    /// numbered <paramref name="sequence"/>: fills in its header, then one system call.
    /// </summary>
    /// <remarks>Not thread-safe: the trail serializes appends (and truncation) under its log lock.</remarks>
    public void Append(long sequence, Span<byte> frame)
    {
        WriteHeader(frame[..FrameHeaderLength], sequence, frame[FrameHeaderLength..]);
        if (_length + frame.Length > _size)
        {
            var size = _length + frame.Length + GrowthLength;
            RandomAccess.SetLength(_file, size);
            _size = size;
        }

        RandomAccess.Write(_file, frame, _length);
        Volatile.Write(ref _length, _length + frame.Length);
    }

    /// <summary>fsyncs the file: every frame written before the call survives a power loss.</summary>
    public void Sync() => RandomAccess.FlushToDisk(_file);

    /// <summary>
    /// Reads whole, intact frames from <paramref name="offset"/>, at most <paramref name="maxFrames"/>, stopping before
    /// <paramref name="end"/> (a <see cref="Length"/> read before: appends may go on meanwhile); returns the offset after
    /// the last frame read. Fewer frames than asked with the returned offset short of <paramref name="end"/> means the
    /// rest is cut short or corrupt.
    /// </summary>
    /// <remarks>The frames' payloads point into one buffer the next call reuses: use them before reading again.</remarks>
    public long Read(long offset, long end, int maxFrames, List<JournalFrame> frames)
    {
        if (end - offset < FrameHeaderLength)
        {
            return offset;
        }

        // Sized to what there is to read, up to 4 MiB, and dropped once the log is emptied: an idle trail holds none.
        var wanted = (int)Math.Min(end - offset, ReadBufferLength);
        var buffer = _readBuffer.Length >= wanted ? _readBuffer : _readBuffer = new byte[wanted];
        var used = 0;
        while (frames.Count < maxFrames && offset + FrameHeaderLength <= end)
        {
            var filled = RandomAccess.Read(_file, buffer.AsSpan(used), offset);
            var span = buffer.AsSpan(used, (int)Math.Min(filled, end - offset));
            var position = 0;
            while (frames.Count < maxFrames && span.Length - position >= FrameHeaderLength)
            {
                var header = span.Slice(position, FrameHeaderLength);
                var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (length is < 0 or > MaxPayloadLength || offset + position + FrameHeaderLength + length > end)
                {
                    return offset + position;
                }

                if (span.Length - position < FrameHeaderLength + length)
                {
                    break; // The frame goes on past this read.
                }

                var sequence = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
                var payload = span.Slice(position + FrameHeaderLength, length);
                if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != Checksum(sequence, payload))
                {
                    return offset + position;
                }

                frames.Add(new JournalFrame(sequence, buffer.AsMemory(used + position + FrameHeaderLength, length)));
                position += FrameHeaderLength + length;
            }

            if (position == 0)
            {
                if (frames.Count >= maxFrames || filled == 0 || frames.Count > 0)
                {
                    break; // Full, at the end, or the next frame does not fit after those read: the caller reads on.
                }

                // A frame larger than the whole buffer: read it whole next time round.
                buffer = _readBuffer = new byte[FrameHeaderLength + BinaryPrimitives.ReadInt32LittleEndian(span)];
                continue;
            }

            offset += position;
            used += position;
        }

        return offset;
    }

    /// <summary>Drops everything from <paramref name="offset"/> on: a torn tail, or (at <see cref="Start"/>) frames all indexed.</summary>
    public void Truncate(long offset)
    {
        RandomAccess.SetLength(_file, offset);
        _size = offset;
        Volatile.Write(ref _length, offset);
        if (offset == Start)
        {
            _readBuffer = [];
        }
    }

    public override string ToString() => _path;

    public void Dispose() => _file.Dispose();

    private static void WriteHeader(Span<byte> header, long sequence, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Checksum(sequence, payload));
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], sequence);
    }

    private static uint Checksum(long sequence, ReadOnlySpan<byte> payload)
    {
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(number, sequence);
        var crc = new Crc32();
        crc.Append(number);
        crc.Append(payload);
        return crc.GetCurrentHashAsUInt32();
    }
}

/// <summary>One entry read back from the log: its sequence number and its <see cref="JournalIndex"/> row.</summary>
internal readonly record struct JournalFrame(long Sequence, ReadOnlyMemory<byte> Payload);
