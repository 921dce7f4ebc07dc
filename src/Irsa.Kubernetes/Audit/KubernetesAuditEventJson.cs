using System.Globalization;
using System.Text.Json;
using Irsa.Core.Json;

namespace Irsa.Kubernetes;

/// <summary>
/// Writes an audit event as kube-apiserver's JSON log backend does: one compact object with <c>kind</c> and
/// <c>apiVersion</c>, fields in Go struct order, omitempty honoured, map keys sorted, Go string escaping.
/// </summary>
public static class KubernetesAuditEventJson
{
    /// <summary>The event as one compact JSON object (no trailing newline).</summary>
    public static byte[] Serialize(KubernetesAuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var writer = new GoJsonWriter(1024);
        writer.StartObject();
        writer.StringField("kind", "Event");
        writer.StringField("apiVersion", "audit.k8s.io/v1");
        writer.StringField("level", auditEvent.Level.ToString());
        writer.StringField("auditID", auditEvent.AuditId);
        writer.StringField("stage", KubernetesAuditEvent.Stage);
        writer.StringField("requestURI", auditEvent.RequestUri);
        writer.StringField("verb", auditEvent.Verb);
        WriteUser(writer, auditEvent.User);
        writer.OmitEmptyStringList("sourceIPs", [.. auditEvent.SourceIps]);
        writer.OmitEmptyString("userAgent", auditEvent.UserAgent);
        if (auditEvent.ObjectRef is { } objectRef)
        {
            WriteObjectRef(writer, objectRef);
        }

        WriteResponseStatus(writer, auditEvent);
        if (auditEvent.RequestObject is { } requestObject)
        {
            writer.Name("requestObject");
            WriteJson(writer, requestObject);
        }

        if (auditEvent.ResponseObject is { } responseObject)
        {
            writer.Name("responseObject");
            WriteJson(writer, responseObject);
        }

        writer.StringField("requestReceivedTimestamp", MicroTime(auditEvent.RequestReceivedTimestamp));
        writer.StringField("stageTimestamp", MicroTime(auditEvent.StageTimestamp));
        if (auditEvent.Annotations.Count > 0)
        {
            writer.Name("annotations");
            writer.StartObject();
            foreach (var (key, value) in auditEvent.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                writer.StringField(key, value);
            }

            writer.EndObject();
        }

        writer.EndObject();
        return writer.ToArray();
    }

    /// <summary>metav1.MicroTime: UTC with exactly six fractional digits.</summary>
    public static string MicroTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void WriteUser(GoJsonWriter writer, KubernetesAuditUser user)
    {
        writer.Name("user");
        writer.StartObject();
        writer.OmitEmptyString("username", user.Username);
        writer.OmitEmptyString("uid", user.Uid);
        writer.OmitEmptyStringList("groups", user.Groups is null ? null : [.. user.Groups]);
        if (user.Extra is { Count: > 0 } extra)
        {
            writer.Name("extra");
            writer.StartObject();
            foreach (var (key, values) in extra.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.StringArrayField(key, values);
            }

            writer.EndObject();
        }

        writer.EndObject();
    }

    private static void WriteObjectRef(GoJsonWriter writer, KubernetesAuditObjectRef objectRef)
    {
        writer.Name("objectRef");
        writer.StartObject();
        writer.OmitEmptyString("resource", objectRef.Resource);
        writer.OmitEmptyString("namespace", objectRef.Namespace);
        writer.OmitEmptyString("name", objectRef.Name);
        writer.OmitEmptyString("uid", objectRef.Uid);
        writer.OmitEmptyString("apiGroup", objectRef.ApiGroup);
        writer.OmitEmptyString("apiVersion", objectRef.ApiVersion);
        writer.OmitEmptyString("resourceVersion", objectRef.ResourceVersion);
        writer.OmitEmptyString("subresource", objectRef.Subresource);
        writer.EndObject();
    }

    /// <summary>
    /// kube-apiserver copies the bounded members of a failure Status (status, message, reason, details) and the
    /// code; a success is just <c>{"metadata":{},"code":N}</c>.
    /// </summary>
    private static void WriteResponseStatus(GoJsonWriter writer, KubernetesAuditEvent auditEvent)
    {
        writer.Name("responseStatus");
        writer.StartObject();
        writer.Name("metadata");
        writer.StartObject();
        writer.EndObject();
        if (auditEvent.ResponseFailure is { } failure)
        {
            // The Status's own JSON already has Go's member order and omitempty rules: copy it minus kind,
            // apiVersion, metadata and code (written here, from the actual response).
            using var status = JsonDocument.Parse(failure.ToJson());
            foreach (var member in status.RootElement.EnumerateObject())
            {
                if (member.Name is not ("kind" or "apiVersion" or "metadata" or "code"))
                {
                    writer.Name(member.Name);
                    WriteJson(writer, member.Value);
                }
            }
        }

        writer.NumberField("code", auditEvent.ResponseCode);
        writer.EndObject();
    }

    private static void WriteJson(GoJsonWriter writer, ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        WriteJson(writer, document.RootElement);
    }

    /// <summary>Re-emits JSON compactly with Go's escaping (bodies may arrive indented, and one event is one line).</summary>
    private static void WriteJson(GoJsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.StartObject();
                foreach (var member in element.EnumerateObject())
                {
                    writer.Name(member.Name);
                    WriteJson(writer, member.Value);
                }

                writer.EndObject();
                break;
            case JsonValueKind.Array:
                writer.StartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteJson(writer, item);
                }

                writer.EndArray();
                break;
            case JsonValueKind.String:
                writer.String(element.GetString());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.Bool(element.GetBoolean());
                break;
            case JsonValueKind.Null:
                writer.Null();
                break;
            default:
                writer.RawValue(System.Text.Encoding.UTF8.GetBytes(element.GetRawText()));
                break;
        }
    }
}
