namespace Irsa.Server.Telemetry;

/// <summary>A Prometheus histogram series over fixed bucket bounds; a lock is fine at the rates Irsa records.</summary>
internal sealed class BucketHistogram(double[] bounds)
{
    private readonly Lock _gate = new();
    private readonly long[] _buckets = new long[bounds.Length];
    private long _count;
    private double _sum;

    public void Observe(double value)
    {
        lock (_gate)
        {
            for (var i = 0; i < bounds.Length; i++)
            {
                if (value <= bounds[i])
                {
                    _buckets[i]++;
                }
            }

            _count++;
            _sum += value;
        }
    }

    /// <summary>The cumulative count per bound (same order as the bounds), the total count and the sum.</summary>
    public (long[] Cumulative, long Count, double Sum) Snapshot()
    {
        lock (_gate)
        {
            return ((long[])_buckets.Clone(), _count, _sum);
        }
    }
}
