using System.Globalization;
using Irsa.Cluster.Json;
using Irsa.Core.Json;
using k8s.Models;

namespace Irsa.Cluster.Errors;

/// <summary>
/// A Kubernetes API failure (<c>metav1.Status</c>) with the messages and JSON shape kube-apiserver produces.
/// </summary>
/// <remarks>
/// The factories mirror <c>k8s.io/apimachinery/pkg/api/errors</c>. <see cref="ToJson"/> writes the fields in Go struct
/// order (<c>kind, apiVersion, metadata, status, message, reason, details, code</c>) with Go escaping; kube-apiserver
/// additionally ends the body with a newline. The KubernetesClient serializer cannot write <see cref="V1Status"/>.
/// </remarks>
/// <param name="Code">HTTP status code.</param>
/// <param name="Reason">Machine-readable reason, e.g. <c>NotFound</c>.</param>
/// <param name="Message">Human-readable message.</param>
/// <param name="Details">Optional details; written even when empty, as Go writes a non-nil pointer.</param>
public sealed record KubernetesStatus(int Code, string Reason, string Message, KubernetesStatusDetails? Details = null)
{
    /// <summary>Content type of a Status response body.</summary>
    public const string ContentType = "application/json";

    /// <summary>404: <c>RESOURCE "NAME" not found</c>.</summary>
    /// <param name="group">API group, empty for the core group.</param>
    /// <param name="resource">Plural resource, e.g. <c>pods</c>.</param>
    /// <param name="name">Object name.</param>
    public static KubernetesStatus NotFound(string group, string resource, string name) => new(
        404,
        "NotFound",
        string.Create(CultureInfo.InvariantCulture, $"{Qualify(resource, group)} {GoQuote.Quote(name)} not found"),
        new KubernetesStatusDetails(Name: name, Group: group, Kind: resource));

    /// <summary>400 with a free-form message and no details.</summary>
    public static KubernetesStatus BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>409: <c>Operation cannot be fulfilled on RESOURCE "NAME": CAUSE</c>.</summary>
    public static KubernetesStatus Conflict(string group, string resource, string name, string cause) => new(
        409,
        "Conflict",
        string.Create(CultureInfo.InvariantCulture, $"Operation cannot be fulfilled on {Qualify(resource, group)} {GoQuote.Quote(name)}: {cause}"),
        new KubernetesStatusDetails(Name: name, Group: group, Kind: resource));

    /// <summary>422: <c>KIND.GROUP "NAME" is invalid: FIELD: Invalid value: ...</c>, one cause per field error.</summary>
    public static KubernetesStatus Invalid(string group, string kind, string name, IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var qualified = Qualify(kind, group);
        var message = errors.Count switch
        {
            0 => $"{qualified} {GoQuote.Quote(name)} is invalid",
            1 => $"{qualified} {GoQuote.Quote(name)} is invalid: {errors[0]}",
            _ => $"{qualified} {GoQuote.Quote(name)} is invalid: [{string.Join(", ", errors)}]",
        };
        var causes = errors.Select(e => new KubernetesStatusCause(e.CauseReason, e.Body, e.Field)).ToList();
        return new(422, "Invalid", message, new KubernetesStatusDetails(Name: name, Group: group, Kind: kind, Causes: causes));
    }

    /// <summary>403: <c>RESOURCE "NAME" is forbidden: CAUSE</c> (name optional).</summary>
    public static KubernetesStatus Forbidden(string group, string resource, string name, string cause)
    {
        var qualified = Qualify(resource, group);
        var message = name.Length == 0
            ? $"{qualified} is forbidden: {cause}"
            : $"{qualified} {GoQuote.Quote(name)} is forbidden: {cause}";
        return new(403, "Forbidden", message, new KubernetesStatusDetails(Name: name, Group: group, Kind: resource));
    }

    /// <summary>401 as kube-apiserver answers unauthenticated requests.</summary>
    public static KubernetesStatus Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    /// <summary>500: <c>Internal error occurred: CAUSE</c>.</summary>
    public static KubernetesStatus InternalError(string cause) => new(
        500,
        "InternalError",
        "Internal error occurred: " + cause,
        new KubernetesStatusDetails(Causes: [new KubernetesStatusCause(null, cause, null)]));

    /// <summary>The Status object as compact JSON bytes, byte-compatible with kube-apiserver (minus its trailing newline).</summary>
    public byte[] ToJson()
    {
        var writer = new GoJsonWriter(512);
        writer.StartObject();
        writer.StringField("kind", "Status");
        writer.StringField("apiVersion", "v1");
        writer.Name("metadata");
        writer.StartObject();
        writer.EndObject();
        writer.StringField("status", "Failure");
        WriteIfSet(writer, "message", Message);
        WriteIfSet(writer, "reason", Reason);
        if (Details is { } details)
        {
            writer.Name("details");
            writer.StartObject();
            WriteIfSet(writer, "name", details.Name);
            WriteIfSet(writer, "group", details.Group);
            WriteIfSet(writer, "kind", details.Kind);
            WriteIfSet(writer, "uid", details.Uid);
            if (details.Causes is { Count: > 0 } causes)
            {
                writer.Name("causes");
                writer.StartArray();
                foreach (var cause in causes)
                {
                    writer.StartObject();
                    WriteIfSet(writer, "reason", cause.Reason);
                    WriteIfSet(writer, "message", cause.Message);
                    WriteIfSet(writer, "field", cause.Field);
                    writer.EndObject();
                }

                writer.EndArray();
            }

            if (details.RetryAfterSeconds is { } retry and not 0)
            {
                writer.NumberField("retryAfterSeconds", retry);
            }

            writer.EndObject();
        }

        if (Code != 0)
        {
            writer.NumberField("code", Code);
        }

        writer.EndObject();
        return writer.ToArray();
    }

    /// <summary>The same failure as a KubernetesClient model.</summary>
    public V1Status ToV1Status() => new()
    {
        ApiVersion = "v1",
        Kind = "Status",
        Metadata = new V1ListMeta(),
        Status = "Failure",
        Message = Message,
        Reason = Reason,
        Code = Code,
        Details = Details is null ? null : new V1StatusDetails
        {
            Name = Details.Name,
            Group = Details.Group,
            Kind = Details.Kind,
            Uid = Details.Uid,
            RetryAfterSeconds = Details.RetryAfterSeconds,
            Causes = Details.Causes?.Select(c => new V1StatusCause { Reason = c.Reason, Message = c.Message, Field = c.Field }).ToList(),
        },
    };

    // GroupResource/GroupKind.String(): "resource" for the core group, else "resource.group".
    private static string Qualify(string resourceOrKind, string group) =>
        group.Length == 0 ? resourceOrKind : resourceOrKind + "." + group;

    private static void WriteIfSet(GoJsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.StringField(name, value);
        }
    }
}

/// <summary>The <c>details</c> of a <see cref="KubernetesStatus"/>; empty members are omitted from JSON.</summary>
public sealed record KubernetesStatusDetails(
    string? Name = null,
    string? Group = null,
    string? Kind = null,
    string? Uid = null,
    IReadOnlyList<KubernetesStatusCause>? Causes = null,
    int? RetryAfterSeconds = null);

/// <summary>One cause of a <see cref="KubernetesStatus"/> (JSON member <c>reason</c> holds the cause type).</summary>
public sealed record KubernetesStatusCause(string? Reason, string? Message, string? Field);
