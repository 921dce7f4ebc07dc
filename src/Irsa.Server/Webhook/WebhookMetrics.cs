using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Irsa.Server.Telemetry;
using Irsa.Webhook;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Webhook;

/// <summary>
/// The webhook's Prometheus metrics, with upstream's names (<c>http_request_count</c>,
/// <c>http_request_latencies</c>, <c>http_request_duration_microseconds</c>,
/// <c>pod_identity_webhook_pod_count</c>, <c>pod_identity_webhook_missing_sa_count</c>,
/// <c>pod_identity_webhook_used</c>) plus <c>irsa_webhook_admissions_total</c> by outcome.
/// Thread-safe; rendered by <see cref="Render()"/>.
/// </summary>
public sealed class WebhookMetrics
{
    /// <summary>The only instrumented path (upstream also instruments its debug routes, which Irsa does not serve).</summary>
    public const string MutatePath = "/mutate";

    // Upstream's buckets in microseconds, with client_golang's spelling of the "le" label.
    private static readonly double[] BucketBounds = [125_000, 250_000, 500_000, 1e6, 2e6, 4e6, 8e6];
    private static readonly string[] BucketLabels = ["125000", "250000", "500000", "1e+06", "2e+06", "4e+06", "8e+06"];

    private static readonly AdmissionOutcome[] Outcomes = Enum.GetValues<AdmissionOutcome>();

    private readonly ConcurrentDictionary<(string Verb, int Code), StrongBox<long>> _requests = new();
    private readonly ConcurrentDictionary<string, BucketHistogram> _latencies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IWebhookMetrics> _views = new(StringComparer.Ordinal);
    private readonly long[] _outcomes = new long[Outcomes.Length];
    private long _used;

    /// <summary>
    /// The <see cref="IWebhookMetrics"/> to hand an <see cref="AdmissionHandler"/> serving requests
    /// with HTTP method <paramref name="verb"/>; the handler's callbacks carry no method, so each
    /// verb gets its own view. Unknown methods share one label so clients cannot grow the series.
    /// </summary>
    public IWebhookMetrics ForVerb(string verb)
    {
        ArgumentNullException.ThrowIfNull(verb);
        var label = NormalizeVerb(verb);
        return _views.GetOrAdd(label, v => new VerbView(this, v));
    }

    /// <summary>Upstream's <c>pod_identity_webhook_used</c>: set once any ServiceAccount is known.</summary>
    public void MarkUsed() => Interlocked.Exchange(ref _used, 1);

    /// <summary>How many admissions ended with <paramref name="outcome"/>.</summary>
    public long AdmissionCount(AdmissionOutcome outcome) => Interlocked.Read(ref _outcomes[(int)outcome]);

    /// <summary>Records one finished request (also called through <see cref="ForVerb"/> views).</summary>
    public void RecordRequest(string verb, int statusCode, TimeSpan duration)
    {
        var label = NormalizeVerb(verb);
        Interlocked.Increment(ref _requests.GetOrAdd((label, statusCode), _ => new StrongBox<long>()).Value);
        _latencies.GetOrAdd(label, _ => new BucketHistogram(BucketBounds)).Observe(duration.Ticks / (double)TimeSpan.TicksPerMicrosecond);
    }

    /// <summary>Records one admission decision.</summary>
    public void RecordAdmission(AdmissionOutcome outcome) => Interlocked.Increment(ref _outcomes[(int)outcome]);

    /// <summary>Renders every metric in the Prometheus text format.</summary>
    public string Render()
    {
        var w = new PrometheusTextWriter();
        Render(w);
        return w.ToString();
    }

    /// <summary>Writes every metric to <paramref name="w"/> (the in-server <c>/metrics</c> appends Irsa's own families after them).</summary>
    public void Render(PrometheusTextWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);

        // client_golang sorts label names, so "code" comes before "path" and "verb".
        w.Family("http_request_count", "counter", "Counter of requests broken out for each verb, path, and response code.");
        foreach (var ((verb, code), count) in _requests.OrderBy(kv => kv.Key.Verb, StringComparer.Ordinal).ThenBy(kv => kv.Key.Code))
        {
            w.Sample("http_request_count", Interlocked.Read(ref count.Value), ("code", code.ToString(CultureInfo.InvariantCulture)), ("path", MutatePath), ("verb", verb));
        }

        var latencies = _latencies.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (Verb: kv.Key, Snapshot: kv.Value.Snapshot())).ToList();
        w.Family("http_request_latencies", "histogram", "Response latency distribution in microseconds for each verb and path");
        foreach (var (verb, s) in latencies)
        {
            for (var i = 0; i < BucketBounds.Length; i++)
            {
                w.Sample("http_request_latencies_bucket", s.Cumulative[i], ("path", MutatePath), ("verb", verb), ("le", BucketLabels[i]));
            }

            w.Sample("http_request_latencies_bucket", s.Count, ("path", MutatePath), ("verb", verb), ("le", "+Inf"));
            w.Sample("http_request_latencies_sum", s.Sum, ("path", MutatePath), ("verb", verb));
            w.Sample("http_request_latencies_count", s.Count, ("path", MutatePath), ("verb", verb));
        }

        w.Family("http_request_duration_microseconds", "summary", "Response latency summary in microseconds for each verb and path.");
        foreach (var (verb, s) in latencies)
        {
            w.Sample("http_request_duration_microseconds_sum", s.Sum, ("path", MutatePath), ("verb", verb));
            w.Sample("http_request_duration_microseconds_count", s.Count, ("path", MutatePath), ("verb", verb));
        }

        w.Family("pod_identity_webhook_missing_sa_count", "counter", "Number of times a pod's ServiceAccount was not found.");
        w.Sample("pod_identity_webhook_missing_sa_count", AdmissionCount(AdmissionOutcome.ServiceAccountMissing));

        w.Family("pod_identity_webhook_pod_count", "counter", "Number of pods given a credential configuration, by method.");
        w.Sample("pod_identity_webhook_pod_count", AdmissionCount(AdmissionOutcome.MutatedContainerCredentials), ("method", "container_credentials"));
        w.Sample("pod_identity_webhook_pod_count", AdmissionCount(AdmissionOutcome.MutatedWebIdentity), ("method", "sts_web_identity"));

        w.Family("pod_identity_webhook_used", "gauge", "Set to 1 once any ServiceAccount is known to the webhook.");
        w.Sample("pod_identity_webhook_used", Interlocked.Read(ref _used));

        w.Family("irsa_webhook_admissions_total", "counter", "Admission decisions by outcome.");
        foreach (var outcome in Outcomes)
        {
            w.Sample("irsa_webhook_admissions_total", AdmissionCount(outcome), ("outcome", OutcomeLabel(outcome)));
        }
    }

    private static string OutcomeLabel(AdmissionOutcome outcome) => outcome switch
    {
        AdmissionOutcome.MutatedWebIdentity => "mutated_web_identity",
        AdmissionOutcome.MutatedContainerCredentials => "mutated_container_credentials",
        AdmissionOutcome.NotMutated => "not_mutated",
        AdmissionOutcome.ServiceAccountMissing => "service_account_missing",
        AdmissionOutcome.Rejected => "rejected",
        _ => "unknown",
    };

    private static string NormalizeVerb(string verb) => IsKnown(verb) ? HttpMethods.GetCanonicalizedValue(verb) : "OTHER";

    private static bool IsKnown(string verb) =>
        HttpMethods.IsGet(verb) || HttpMethods.IsPost(verb) || HttpMethods.IsPut(verb) || HttpMethods.IsDelete(verb) || HttpMethods.IsPatch(verb)
        || HttpMethods.IsHead(verb) || HttpMethods.IsOptions(verb) || HttpMethods.IsConnect(verb) || HttpMethods.IsTrace(verb);

    private sealed class VerbView(WebhookMetrics owner, string verb) : IWebhookMetrics
    {
        public void RequestCompleted(int statusCode, TimeSpan duration) => owner.RecordRequest(verb, statusCode, duration);

        public void AdmissionDecided(AdmissionOutcome outcome) => owner.RecordAdmission(outcome);
    }
}
