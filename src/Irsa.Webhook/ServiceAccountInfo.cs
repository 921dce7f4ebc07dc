namespace Irsa.Webhook;

/// <summary>
/// What the webhook knows about one ServiceAccount after parsing its annotations (defaults and
/// the 600 s floor already applied). An entry exists for every known ServiceAccount, even one
/// without a role.
/// </summary>
/// <param name="RoleArn">The role to assume; empty means "no IRSA for this account".</param>
/// <param name="Audience">The token audience.</param>
/// <param name="UseRegionalSts">Whether to inject <c>AWS_STS_REGIONAL_ENDPOINTS=regional</c>.</param>
/// <param name="TokenExpiration">The token lifetime in seconds.</param>
public sealed record ServiceAccountInfo(string RoleArn, string Audience, bool UseRegionalSts, long TokenExpiration);
