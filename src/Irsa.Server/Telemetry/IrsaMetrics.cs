using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text;
using Irsa.Server.Webhook;

namespace Irsa.Server.Telemetry;

/// <summary>
/// Irsa's <c>Irsa</c> meter in the Prometheus text format, appended to the webhook's families on <c>GET /metrics</c>.
/// </summary>
/// <remarks>
/// Why not OpenTelemetry's Prometheus exporter: it owns the whole response and renames what it exports (counters get
/// <c>_total</c>, units become suffixes), so the webhook's upstream-compatible families (<c>http_request_count</c>,
/// <c>pod_identity_webhook_pod_count</c>…) could not keep their names and histogram buckets on the same path. A
/// <see cref="MeterListener"/> is a BCL type: starting it costs nothing measurable at startup, and it aggregates only
/// Irsa's own instruments (counters as <c>NAME_total</c>, histograms with second-scale buckets).
/// </remarks>
public sealed class IrsaMetrics : IDisposable
{
    private static readonly double[] BucketBounds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), StrongBox<long>> _counters = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), BucketHistogram> _histograms = new();

    public IrsaMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IrsaTelemetry.SourceName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            Interlocked.Add(ref _counters.GetOrAdd((instrument, LabelsOf(tags)), _ => new StrongBox<long>()).Value, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            _histograms.GetOrAdd((instrument, LabelsOf(tags)), _ => new BucketHistogram(BucketBounds)).Observe(value));
        _listener.Start();
    }

    /// <summary>Appends every family measured so far to <paramref name="writer"/>.</summary>
    public void Render(PrometheusTextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var family in _counters.GroupBy(kv => kv.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var name = MetricName(family.Key) + "_total";
            writer.Family(name, "counter", family.Key.Description ?? family.Key.Name);
            foreach (var sample in family.OrderBy(kv => kv.Key.Labels, StringComparer.Ordinal))
            {
                writer.Sample(name, Interlocked.Read(ref sample.Value.Value), Parse(sample.Key.Labels));
            }
        }

        foreach (var family in _histograms.GroupBy(kv => kv.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var name = MetricName(family.Key);
            writer.Family(name, "histogram", family.Key.Description ?? family.Key.Name);
            foreach (var sample in family.OrderBy(kv => kv.Key.Labels, StringComparer.Ordinal))
            {
                var labels = Parse(sample.Key.Labels);
                var (cumulative, count, sum) = sample.Value.Snapshot();
                for (var i = 0; i < BucketBounds.Length; i++)
                {
                    writer.Sample(name + "_bucket", cumulative[i], [.. labels, ("le", PrometheusTextWriter.FormatValue(BucketBounds[i]))]);
                }

                writer.Sample(name + "_bucket", count, [.. labels, ("le", "+Inf")]);
                writer.Sample(name + "_sum", sum, labels);
                writer.Sample(name + "_count", count, labels);
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary><c>irsa.aws.call.duration</c> with unit <c>s</c> → <c>irsa_aws_call_duration_seconds</c>.</summary>
    private static string MetricName(Instrument instrument) =>
        Sanitize(instrument.Name) + (instrument.Unit == "s" ? "_seconds" : string.Empty);

    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return text.ToString();
    }

    /// <summary>A series key: sorted label pairs joined by control characters no tag value of Irsa's contains.</summary>
    private static string LabelsOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            pairs.Add(Sanitize(tag.Key) + "\u001f" + Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join('\u001e', pairs);
    }

    private static (string Name, string Value)[] Parse(string labels) => labels.Length == 0 ? []
        : [.. labels.Split('\u001e').Select(p => p.Split('\u001f', 2)).Select(p => (p[0], p[1]))];
}
