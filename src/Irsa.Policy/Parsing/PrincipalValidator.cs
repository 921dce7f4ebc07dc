namespace Irsa.Policy.Parsing;

/// <summary>Principal-value checks. Whether named users and roles exist is the IAM layer's job, not this one's.</summary>
internal static class PrincipalValidator
{
    private static readonly string[] WellKnownFederated =
    [
        "cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com", "accounts.google.com",
    ];

    public static string? Validate(PolicyKind kind, List<RawStatement> statements)
    {
        foreach (var s in statements)
        {
            foreach (var (type, value) in s.Principals)
            {
                var error = type switch
                {
                    "AWS" => ValidateAws(value),
                    "Federated" => ValidateFederated(value),
                    _ => value.Length == 0 || value.Contains('*', StringComparison.Ordinal)
                        ? PolicyMessages.InvalidPrincipal(type == "Service" ? "SERVICE" : type, value)
                        : null,
                };

                if (error is not null)
                {
                    return error;
                }

                if (kind == PolicyKind.Trust && type == "Federated"
                    && value == "cognito-identity.amazonaws.com" && s.Conditions.Count == 0)
                {
                    return PolicyMessages.CognitoNeedsCondition;
                }
            }
        }

        return null;
    }

    private static string? ValidateAws(string value)
    {
        if (value == "*" || Model.PrincipalMatcher.AccountFromAwsValue(value) is not null)
        {
            return null;
        }

        // No partial wildcards: "arn:aws:iam::1:role/*" is not a principal (use aws:PrincipalArn instead).
        var parts = value.Split(':', 6);
        var ok = parts.Length == 6 && parts[0] == "arn" && parts[2] is "iam" or "sts"
            && parts[4].Length > 0 && parts[5].Length > 0 && !value.Contains('*', StringComparison.Ordinal) && !value.Contains('?', StringComparison.Ordinal);
        return ok ? null : PolicyMessages.InvalidPrincipal("AWS", value);
    }

    private static string? ValidateFederated(string value)
    {
        if (WellKnownFederated.Contains(value, StringComparer.Ordinal))
        {
            return null;
        }

        if (value.StartsWith("arn:", StringComparison.Ordinal))
        {
            var parts = value.Split(':', 6);
            var ok = parts.Length == 6 && parts[2] == "iam"
                && (parts[5].StartsWith("oidc-provider/", StringComparison.Ordinal) || parts[5].StartsWith("saml-provider/", StringComparison.Ordinal))
                && !value.Contains('*', StringComparison.Ordinal);
            return ok ? null : PolicyMessages.FederatedPrincipalInvalid;
        }

        // Other domain names are accepted as-is (custom identity providers named by host).
        return value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-') ? null : PolicyMessages.FederatedPrincipalInvalid;
    }
}
