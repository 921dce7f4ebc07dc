using System.Globalization;
using Irsa.Core.Json;
using k8s.Models;

namespace Irsa.Cluster.TokenRequests;

/// <summary>Writes a TokenRequest response in kube-apiserver's JSON shape.</summary>
/// <remarks>
/// Go writes spec/status members without <c>omitempty</c> (an unbound request echoes <c>"boundObjectRef":null</c>),
/// which the KubernetesClient serializer, omitting nulls, does not reproduce.
/// </remarks>
public static class TokenRequestJson
{
    /// <summary>Serializes <paramref name="response"/> (metadata name, generateName, namespace, uid, creationTimestamp, labels, annotations).</summary>
    public static byte[] Serialize(Authenticationv1TokenRequest response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var metadata = response.Metadata ?? new V1ObjectMeta();
        var spec = response.Spec ?? new V1TokenRequestSpec();
        var status = response.Status ?? new V1TokenRequestStatus();

        var writer = new GoJsonWriter(2048);
        writer.StartObject();
        writer.StringField("kind", response.Kind ?? "TokenRequest");
        writer.StringField("apiVersion", response.ApiVersion ?? "authentication.k8s.io/v1");

        writer.Name("metadata");
        writer.StartObject();
        WriteIfSet(writer, "name", metadata.Name);
        WriteIfSet(writer, "generateName", metadata.GenerateName);
        WriteIfSet(writer, "namespace", metadata.NamespaceProperty);
        WriteIfSet(writer, "uid", metadata.Uid);
        WriteTime(writer, "creationTimestamp", metadata.CreationTimestamp);
        WriteMap(writer, "labels", metadata.Labels);
        WriteMap(writer, "annotations", metadata.Annotations);
        writer.EndObject();

        writer.Name("spec");
        writer.StartObject();
        if (spec.Audiences is null)
        {
            writer.Name("audiences");
            writer.Null();
        }
        else
        {
            writer.StringArrayField("audiences", spec.Audiences);
        }

        writer.NumberField("expirationSeconds", spec.ExpirationSeconds ?? 0);
        writer.Name("boundObjectRef");
        if (spec.BoundObjectRef is { } bound)
        {
            writer.StartObject();
            WriteIfSet(writer, "kind", bound.Kind);
            WriteIfSet(writer, "apiVersion", bound.ApiVersion);
            WriteIfSet(writer, "name", bound.Name);
            WriteIfSet(writer, "uid", bound.Uid);
            writer.EndObject();
        }
        else
        {
            writer.Null();
        }

        writer.EndObject();

        writer.Name("status");
        writer.StartObject();
        writer.StringField("token", status.Token ?? "");
        WriteTime(writer, "expirationTimestamp", status.ExpirationTimestamp);
        writer.EndObject();

        writer.EndObject();
        return writer.ToArray();
    }

    private static void WriteIfSet(GoJsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.StringField(name, value);
        }
    }

    // metav1.Time: RFC 3339 in UTC with whole seconds, or null for the zero time.
    private static void WriteTime(GoJsonWriter writer, string name, DateTime? value)
    {
        writer.Name(name);
        if (value is { } time)
        {
            writer.String(time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.Null();
        }
    }

    private static void WriteMap(GoJsonWriter writer, string name, IDictionary<string, string>? map)
    {
        if (map is not { Count: > 0 })
        {
            return;
        }

        writer.Name(name);
        writer.StartObject();
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.StringField(key, value);
        }

        writer.EndObject();
    }
}
