namespace Irsa.Cluster.Tokens;

/// <summary>A signed token and the values the caller needs without re-parsing it.</summary>
/// <param name="Token">The JWS compact serialization.</param>
/// <param name="TokenId">The <c>jti</c> claim.</param>
/// <param name="KeyId">The <c>kid</c> of the signing key.</param>
/// <param name="IssuedAt">The <c>iat</c>/<c>nbf</c> instant (whole seconds).</param>
/// <param name="ExpiresAt">The <c>exp</c> instant (whole seconds; for extended tokens, one year out).</param>
public sealed record IssuedServiceAccountToken(
    string Token,
    string TokenId,
    string KeyId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt);
