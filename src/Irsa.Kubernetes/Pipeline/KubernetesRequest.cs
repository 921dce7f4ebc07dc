using System.Globalization;
using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>One authenticated, authorized request to a cluster's Kubernetes API, as the resource handlers see it.</summary>
internal sealed class KubernetesRequest(KubernetesExchange exchange, IKubernetesCluster cluster, KubernetesRoute route, V1UserInfo user)
{
    public KubernetesHttpRequest Input => exchange.Input;

    public IKubernetesCluster Cluster { get; } = cluster;

    public string ClusterId => Cluster.Id;

    public KubernetesRoute Route { get; } = route;

    public V1UserInfo User { get; } = user;

    public List<string> Warnings => exchange.Warnings;

    /// <summary>Audit annotations a handler adds (for example the id of an issued credential).</summary>
    public Dictionary<string, string> AuditAnnotations => exchange.Annotations;

    public CancellationToken Aborted => exchange.Aborted;

    public FieldValidation FieldValidation => KubernetesDecoder.ParseFieldValidation(Input.QueryParameter("fieldValidation"));

    /// <summary>kube-apiserver's limit on a request body (<c>--max-request-bytes</c> default: 3 MiB).</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    /// <summary>The body, read once and bounded: past <see cref="MaxBodyBytes"/> the request is a 413, as kube-apiserver's.</summary>
    public async Task<byte[]> ReadBodyAsync()
    {
        if (exchange.RequestBody is null)
        {
            if (long.TryParse(Input.Header("Content-Length"), CultureInfo.InvariantCulture, out var declared) && declared > MaxBodyBytes)
            {
                throw TooLarge();
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await Input.Body.ReadAsync(chunk, Aborted)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    throw TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }

            exchange.RequestBody = buffer.ToArray();
        }

        return exchange.RequestBody;
    }

    private static KubernetesStatusException TooLarge() => new(new KubernetesStatus(413, "RequestEntityTooLarge",
        string.Create(CultureInfo.InvariantCulture, $"Request entity too large: limit is {MaxBodyBytes}")));

    /// <summary>The body as a JSON object: JSON as sent, or a typed client's protobuf translated (<see cref="KubernetesProtobuf"/>).</summary>
    public async Task<JsonObject> ReadJsonAsync(string kind)
    {
        var body = await ReadBodyAsync();
        return KubernetesProtobuf.IsProtobuf(Input.Header("Content-Type"))
            ? KubernetesProtobuf.ToJson(body, kind)
            : KubernetesDecoder.ParseObject(body, kind);
    }

    /// <summary>Reads and decodes the body as <typeparamref name="T"/> (kind/apiVersion checked, unknown fields per <c>fieldValidation</c>).</summary>
    public async Task<T> ReadObjectAsync<T>(string kind, string apiVersion)
    {
        var validation = FieldValidation;
        var json = await ReadJsonAsync(kind);
        var value = KubernetesDecoder.Decode<T>(json, kind, apiVersion, validation, Warnings);
        if (value is IMetadata<V1ObjectMeta> { Metadata: { } metadata })
        {
            exchange.RequestObject = RequestObjectIdentity.Of(metadata);
        }

        return value;
    }

    /// <summary>Remembers the request object's identity as sent, for the audit event's objectRef.</summary>
    public void RecordRequestObject(JsonObject metadata) => exchange.RequestObject = new RequestObjectIdentity(
        metadata["namespace"]?.GetValue<string>(), metadata["name"]?.GetValue<string>(), metadata["uid"]?.GetValue<string>(),
        metadata["resourceVersion"]?.GetValue<string>());

    public static KubernetesReply Reply(int statusCode, object value) => KubernetesReply.Object(statusCode, value);

    /// <summary>Now, in whole seconds (Kubernetes timestamps have no fractions).</summary>
    public static DateTime Now(TimeProvider time) => DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds()).UtcDateTime;

    public static string Version(long version) => version.ToString(CultureInfo.InvariantCulture);

    public static JsonObject ToJson(object value) => (JsonObject)JsonNode.Parse(k8s.KubernetesJson.Serialize(value))!;
}
