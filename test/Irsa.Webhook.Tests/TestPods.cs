using System.Text;
using System.Text.Json;
using Irsa.Webhook.Json;
using k8s.Models;

namespace Irsa.Webhook.Tests;

/// <summary>Small helpers shared by the unit tests.</summary>
internal static class TestPods
{
    public const string Role = "arn:aws:iam::111122223333:role/s3-reader";

    public static V1Pod FromJson(string json) => PodJson.Decode(JsonDocument.Parse(json).RootElement);

    public static V1Pod Simple(string annotations = "", string extraSpec = "")
    {
        var meta = annotations.Length > 0 ? "{\"name\":\"p\",\"annotations\":{" + annotations + "}}" : "{\"name\":\"p\"}";
        return FromJson("{\"metadata\":" + meta + ",\"spec\":{\"serviceAccountName\":\"sa\",\"containers\":[{\"name\":\"app\",\"image\":\"img\"}]" + extraSpec + "}}");
    }

    public static ServiceAccountInfo Sa(string role = Role, string audience = "sts.amazonaws.com", bool sts = false, long expiration = 86400) =>
        new(role, audience, sts, expiration);

    public static string PatchText(PodMutation m) => Encoding.UTF8.GetString(m.Patch ?? throw new InvalidOperationException("no patch"));

    public static byte[] Review(string podJson, string ns = "default", string uid = "u1", string typeMeta = "") =>
        Encoding.UTF8.GetBytes("{" + typeMeta + "\"request\":{\"uid\":\"" + uid + "\",\"namespace\":\"" + ns + "\",\"object\":" + podJson + "}}");

    public sealed class FixedJitter(long value) : IJitterSource
    {
        public long Next(long maxInclusive) => Math.Min(value, maxInclusive);
    }

    public sealed class RecordingMetrics : IWebhookMetrics
    {
        public List<int> Statuses { get; } = [];

        public List<AdmissionOutcome> Outcomes { get; } = [];

        public void RequestCompleted(int statusCode, TimeSpan duration) => Statuses.Add(statusCode);

        public void AdmissionDecided(AdmissionOutcome outcome) => Outcomes.Add(outcome);
    }
}
