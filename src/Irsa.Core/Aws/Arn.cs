using System.Diagnostics.CodeAnalysis;

namespace Irsa.Core.Aws;

/// <summary>An Amazon Resource Name: <c>arn:partition:service:region:account:resource</c>.</summary>
public sealed record Arn(string Partition, string Service, string Region, string Account, string Resource)
{
    public override string ToString() => $"arn:{Partition}:{Service}:{Region}:{Account}:{Resource}";

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Arn? arn)
    {
        arn = null;
        if (text is null || !text.StartsWith("arn:", StringComparison.Ordinal))
        {
            return false;
        }

        // The resource part may itself contain ':' (e.g. assumed-role sessions), so split at most six ways.
        var parts = text.Split(':', 6);
        if (parts.Length != 6 || parts[1].Length == 0 || parts[2].Length == 0 || parts[5].Length == 0)
        {
            return false;
        }

        arn = new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]);
        return true;
    }

    public static Arn Parse(string text) =>
        TryParse(text, out var arn) ? arn : throw new FormatException($"'{text}' is not an ARN.");
}
