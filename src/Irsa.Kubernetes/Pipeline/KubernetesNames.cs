using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Irsa.Cluster.Errors;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>Object-name rules of <c>k8s.io/apimachinery/pkg/util/validation</c> and <c>generateName</c> expansion.</summary>
internal static partial class KubernetesNames
{
    private const string SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    // utilrand.String's alphabet: no vowels (no accidental words) and no look-alike characters.
    private const string GenerateAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>Fills <c>metadata.name</c> from <c>generateName</c> when it is empty (5 random characters, as the apiserver does).</summary>
    public static void Generate(V1ObjectMeta metadata)
    {
        if (string.IsNullOrEmpty(metadata.Name) && !string.IsNullOrEmpty(metadata.GenerateName))
        {
            var prefix = metadata.GenerateName.Length > 58 ? metadata.GenerateName[..58] : metadata.GenerateName;
            metadata.Name = prefix + RandomNumberGenerator.GetString(GenerateAlphabet, 5);
        }
    }

    /// <summary>The errors for a DNS-1123 subdomain name (service accounts, pods).</summary>
    public static List<FieldError> ValidateSubdomain(string? name) => Validate(name, 253, Subdomain(), SubdomainMessage);

    /// <summary>The errors for a DNS-1123 label name (namespaces).</summary>
    public static List<FieldError> ValidateLabel(string? name) => Validate(name, 63, Label(), LabelMessage);

    private static List<FieldError> Validate(string? name, int maxLength, Regex pattern, string message)
    {
        if (string.IsNullOrEmpty(name))
        {
            return [FieldError.NameRequired()];
        }

        var errors = new List<FieldError>();
        if (name.Length > maxLength)
        {
            errors.Add(FieldError.Invalid("metadata.name", name, $"must be no more than {maxLength} characters"));
        }

        if (!pattern.IsMatch(name))
        {
            errors.Add(FieldError.Invalid("metadata.name", name, message));
        }

        return errors;
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Subdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Label();
}
