namespace Irsa.Policy;

/// <summary>
/// The validated token facts that become condition keys for <c>sts:AssumeRoleWithWebIdentity</c>.
/// <see cref="Audience"/> is the client ID that matched (for Google-style tokens, the <c>azp</c>), and
/// <see cref="OriginalAudience"/> the token's own <c>aud</c> in that case.
/// </summary>
public sealed record WebIdentityClaims
{
    public required string Subject { get; init; }

    public required string Audience { get; init; }

    public string? AuthorizedParty { get; init; }

    public string? OriginalAudience { get; init; }

    public string? Email { get; init; }

    /// <summary>Cognito-style <c>amr</c> values; multivalued.</summary>
    public IReadOnlyList<string>? AuthenticationMethods { get; init; }

    /// <summary>Session tags from the <c>https://aws.amazon.com/tags</c> claim.</summary>
    public IReadOnlyDictionary<string, string>? PrincipalTags { get; init; }

    public IReadOnlyList<string>? TransitiveTagKeys { get; init; }

    public string? SourceIdentity { get; init; }
}
