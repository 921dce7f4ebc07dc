using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Irsa.S3.Integrity;

/// <summary>
/// Copies a stream to a destination while digests see the same bytes, each consumer on its own task: one reads
/// segments, one writes them, one per digest appends them. A body's MD5 alone costs more than receiving and writing
/// it, so run in sequence the three add up; side by side, with cores to spare, the copy takes about as long as the
/// slowest of them (with every core busy the total CPU is what counts, and it is the same either way).
/// Memory is bounded: a few pooled segments circulate, and a segment is read into again only after every consumer
/// is done with it.
/// </summary>
internal static class FanOutCopy
{
    /// <summary>
    /// Large enough for few writes and hand-overs, small enough to stay in a core's cache between the read that fills
    /// it and the copies that drain it: with 1 MiB buffers the kernel's copy into the page cache cost several times
    /// more CPU than with 256 KiB ones (1 GiB written with dd, profiled on a small VM).
    /// </summary>
    internal const int SegmentSize = 256 * 1024;

    /// <summary>Enough for the reader to fill segments while others are written and hashed (2 MiB in all).</summary>
    internal const int SegmentCount = 8;

    /// <summary>
    /// Reads <paramref name="source"/> to its end into <paramref name="destination"/> and every digest, in order.
    /// <paramref name="onRead"/> is called after each read of the source with its byte count (it may throw to stop
    /// the copy). When this returns, every consumer has seen every byte; when it throws, every task has stopped.
    /// </summary>
    public static async Task RunAsync(Stream source, Stream destination, IReadOnlyList<Action<ReadOnlySpan<byte>>> digests,
        Action<int> onRead, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var buffers = new byte[SegmentCount][];
        var free = Channel.CreateBounded<byte[]>(SegmentCount);
        for (var i = 0; i < SegmentCount; i++)
        {
            buffers[i] = ArrayPool<byte>.Shared.Rent(SegmentSize);
            free.Writer.TryWrite(buffers[i]);
        }

        var lanes = new Channel<Segment>[digests.Count + 1];
        var tasks = new Task[lanes.Length];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = Channel.CreateUnbounded<Segment>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var lane = lanes[i].Reader;
            Func<Segment, ValueTask> consume = i == 0
                ? segment => destination.WriteAsync(segment.Memory, stop.Token)
                : Append(digests[i - 1]);
            tasks[i] = Task.Run(() => ConsumeAsync(lane, consume, free.Writer, stop), CancellationToken.None);
        }

        Exception? readFailure = null;
        try
        {
            await ReadSegmentsAsync(source, lanes, free.Reader, onRead, stop.Token);
        }
        catch (Exception e)
        {
            readFailure = e;
            await stop.CancelAsync();
        }

        foreach (var lane in lanes)
        {
            lane.Writer.TryComplete();
        }

        await Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Every task has stopped, so no segment is still in use.
        foreach (var buffer in buffers)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // A consumer's failure (a full disk) is the cause; the reader only saw the cancellation it triggered.
        var consumerFailure = tasks.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException);
        if (consumerFailure is not null && (readFailure is null or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(consumerFailure);
        }

        if (readFailure is not null)
        {
            ExceptionDispatchInfo.Throw(readFailure);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static Func<Segment, ValueTask> Append(Action<ReadOnlySpan<byte>> digest) => segment =>
    {
        digest(segment.Memory.Span);
        return ValueTask.CompletedTask;
    };

    /// <summary>Fills segments (so writes are large) and hands each to every lane; returns at end of stream.</summary>
    private static async Task ReadSegmentsAsync(Stream source, Channel<Segment>[] lanes, ChannelReader<byte[]> free,
        Action<int> onRead, CancellationToken cancellationToken)
    {
        var ended = false;
        while (!ended)
        {
            var buffer = await free.ReadAsync(cancellationToken);
            var filled = 0;
            while (filled < SegmentSize)
            {
                var read = await source.ReadAsync(buffer.AsMemory(filled, SegmentSize - filled), cancellationToken);
                if (read == 0)
                {
                    ended = true;
                    break;
                }

                onRead(read);
                filled += read;
            }

            if (filled == 0)
            {
                break;
            }

            var segment = new Segment(buffer, filled, lanes.Length);
            foreach (var lane in lanes)
            {
                lane.Writer.TryWrite(segment);
            }
        }
    }

    private static async Task ConsumeAsync(ChannelReader<Segment> lane, Func<Segment, ValueTask> consume, ChannelWriter<byte[]> free,
        CancellationTokenSource stop)
    {
        try
        {
            await foreach (var segment in lane.ReadAllAsync(stop.Token))
            {
                await consume(segment);
                if (Interlocked.Decrement(ref segment.Pending) == 0)
                {
                    free.TryWrite(segment.Buffer);
                }
            }
        }
        catch
        {
            // The reader waits for free segments this lane would have released.
            await stop.CancelAsync();
            throw;
        }
    }

    private sealed class Segment(byte[] buffer, int length, int consumers)
    {
        public int Pending = consumers;

        public byte[] Buffer => buffer;

        public ReadOnlyMemory<byte> Memory => buffer.AsMemory(0, length);
    }
}
