namespace Irsa.Policy;

/// <summary>
/// The decision plus the details IAM's simulator reports: matched statements (deny statements for an explicit
/// deny, allow statements otherwise), absent context keys, and the boundary's verdict.
/// </summary>
public sealed class AuthorizationResult
{
    internal AuthorizationResult(
        PolicyDecision decision,
        IReadOnlyList<MatchedStatement> matchedStatements,
        IReadOnlyList<string> missingContextKeys,
        bool? allowedByPermissionsBoundary)
    {
        Decision = decision;
        MatchedStatements = matchedStatements;
        MissingContextKeys = missingContextKeys;
        AllowedByPermissionsBoundary = allowedByPermissionsBoundary;
    }

    public PolicyDecision Decision { get; }

    public bool IsAllowed => Decision == PolicyDecision.Allowed;

    public IReadOnlyList<MatchedStatement> MatchedStatements { get; }

    /// <summary>Condition keys (and variable keys) that matching statements referenced but the request lacked.</summary>
    public IReadOnlyList<string> MissingContextKeys { get; }

    /// <summary>Null when there is no permissions boundary; otherwise whether it allowed the request.</summary>
    public bool? AllowedByPermissionsBoundary { get; }
}
