using System.Text.RegularExpressions;

namespace Irsa.Webhook;

/// <summary>
/// Turns ServiceAccount annotations into a <see cref="ServiceAccountInfo"/> with upstream's
/// rules: flag defaults for absent or unparsable values, and a 600 s floor on the expiration.
/// </summary>
public sealed partial class ServiceAccountAnnotationParser(WebhookOptions options)
{
    private readonly string _prefix = options.AnnotationPrefix + "/";

    /// <summary>The annotation key prefix this parser reads (for example <c>eks.amazonaws.com/</c>).</summary>
    public string Prefix => _prefix;

    /// <summary>Parses the annotations of one ServiceAccount; null annotations mean none.</summary>
    public ServiceAccountInfo Parse(IDictionary<string, string>? annotations)
    {
        string? Get(string name) =>
            annotations is not null && annotations.TryGetValue(_prefix + name, out var v) ? v : null;

        var role = Get("role-arn") ?? "";
        if (role.Length > 0 && options.ComposeRoleArn is { } compose && !role.Contains("arn:", StringComparison.Ordinal))
        {
            role = $"arn:{compose.Partition}:iam::{compose.AccountId}:role/{role}";
        }

        var audience = Get("audience") ?? options.DefaultAudience;
        var sts = GoText.TryParseBool(Get("sts-regional-endpoints"), out var b) ? b : options.DefaultStsRegionalEndpoint;
        var expiration = GoText.TryParseInt64(Get("token-expiration"), out var e)
            ? Math.Max(e, WebhookOptions.MinTokenExpiration)
            : options.EffectiveDefaultTokenExpiration;

        return new ServiceAccountInfo(role, audience, sts, expiration);
    }

    /// <summary>
    /// Whether <paramref name="roleArn"/> looks like an IAM role ARN. Upstream only logs a warning
    /// on a mismatch and still uses the value; hosts may do the same.
    /// </summary>
    public static bool IsWellFormedRoleArn(string roleArn) => RoleArnPattern().IsMatch(roleArn);

    // Go's RE2 classes \d and \w are ASCII-only, so they are spelled out here.
    [GeneratedRegex(@"^arn:aws[a-z0-9-]*:iam::[0-9]{12}:role/[0-9A-Za-z_\-/.@+=,]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArnPattern();
}
