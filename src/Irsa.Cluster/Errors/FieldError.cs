using System.Globalization;
using Irsa.Cluster.Json;

namespace Irsa.Cluster.Errors;

/// <summary>A field validation error formatted like <c>k8s.io/apimachinery/pkg/util/validation/field.Error</c>.</summary>
/// <param name="Field">Field path, e.g. <c>spec.expirationSeconds</c>.</param>
/// <param name="Body">The error body without the field, e.g. <c>Invalid value: 599: may not ...</c>.</param>
/// <param name="CauseReason">The Status cause type, e.g. <c>FieldValueInvalid</c>.</param>
public sealed record FieldError(string Field, string Body, string CauseReason)
{
    /// <summary>An <c>Invalid value</c> error for an integer (printed bare).</summary>
    public static FieldError Invalid(string field, long value, string detail) =>
        new(field, string.Create(CultureInfo.InvariantCulture, $"Invalid value: {value}: {detail}"), "FieldValueInvalid");

    /// <summary>An <c>Invalid value</c> error for a string (printed Go-quoted).</summary>
    public static FieldError Invalid(string field, string value, string detail) =>
        new(field, $"Invalid value: {GoQuote.Quote(value)}: {detail}", "FieldValueInvalid");

    /// <summary>A <c>Required value</c> error.</summary>
    public static FieldError Required(string field) => new(field, "Required value", "FieldValueRequired");

    /// <summary>An object with neither <c>metadata.name</c> nor <c>metadata.generateName</c> (ValidateObjectMeta).</summary>
    public static FieldError NameRequired() => new("metadata.name", "Required value: name or generateName is required", "FieldValueRequired");

    /// <summary>An <c>Unsupported value</c> error listing the supported values in the order given (field.NotSupported).</summary>
    public static FieldError NotSupported(string field, string value, params string[] supported) =>
        new(field, $"Unsupported value: {GoQuote.Quote(value)}: supported values: {string.Join(", ", supported.Select(GoQuote.Quote))}",
            "FieldValueNotSupported");

    /// <summary><c>FIELD: BODY</c>, as used in aggregated messages.</summary>
    public override string ToString() => Field + ": " + Body;
}
