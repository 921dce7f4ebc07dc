namespace Irsa.Core.Audit;

/// <summary>
/// Why a call was denied or failed, for the operator: the caller still gets AWS's exact error, while the audit trail
/// keeps this (for <c>irsa audit explain</c>). Never holds a token, secret or session credential.
/// </summary>
/// <param name="Check">The check that failed, as a stable identifier (for example <c>UnknownIssuer</c>, <c>AudienceMismatch</c>,
/// <c>TrustPolicyCondition</c>, <c>ExplicitDeny</c>, <c>NoAllow</c>, <c>PermissionsBoundary</c>, <c>SessionPolicy</c>).</param>
/// <param name="Summary">One sentence in plain words.</param>
/// <param name="Details">Further facts, one per line (values compared, keys and operators involved).</param>
/// <param name="Policies">The policy statements involved, with their text and line numbers.</param>
public sealed record Explanation(
    string Check,
    string Summary,
    IReadOnlyList<string> Details,
    IReadOnlyList<PolicyExcerpt> Policies)
{
    public static Explanation Of(string check, string summary, params string[] details) => new(check, summary, details, []);
}

/// <summary>A statement of a policy quoted in an <see cref="Explanation"/>.</summary>
/// <param name="Source">What the policy is: <c>trust policy of arn:…:role/R</c>, <c>inline policy P of role R</c>, <c>arn:…:policy/P</c>…</param>
/// <param name="StartLine">The statement's first line in the policy document (1-based).</param>
/// <param name="EndLine">Its last line.</param>
/// <param name="Text">The statement's lines, verbatim.</param>
public sealed record PolicyExcerpt(string Source, int StartLine, int EndLine, string Text);
