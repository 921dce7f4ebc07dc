namespace Irsa.Policy;

/// <summary>Builds the trust-policy request for <c>sts:AssumeRoleWithWebIdentity</c>.</summary>
public static class WebIdentityContext
{
    public const string AssumeRoleWithWebIdentity = "sts:AssumeRoleWithWebIdentity";

    /// <summary>
    /// A builder pre-filled with the principal <c>{"Federated": providerArn}</c>, the provider-scoped claim keys
    /// (<c>host/path:sub</c>, <c>:aud</c>, <c>:amr</c>, <c>:azp</c>, <c>:oaud</c>, <c>:email</c>), session-tag keys,
    /// <c>aws:FederatedProvider</c>, <c>sts:RoleSessionName</c> and the time keys. Callers may add more
    /// (for example <c>aws:SourceIp</c>) before building.
    /// </summary>
    /// <param name="roleArn">The role being assumed: the request's resource.</param>
    /// <param name="providerArn">The IAM OIDC provider ARN (or a well-known provider name).</param>
    /// <param name="providerUrl">The provider URL; a leading <c>https://</c> is removed.</param>
    /// <param name="claims">Facts from the validated token.</param>
    /// <param name="now">The request time, from the caller's <see cref="TimeProvider"/>.</param>
    /// <param name="roleSessionName">The RoleSessionName parameter, when given.</param>
    /// <param name="action">Usually <see cref="AssumeRoleWithWebIdentity"/>; <c>sts:TagSession</c> for the tag check.</param>
    public static RequestContextBuilder CreateBuilder(
        string roleArn,
        string providerArn,
        string providerUrl,
        WebIdentityClaims claims,
        DateTimeOffset now,
        string? roleSessionName = null,
        string action = AssumeRoleWithWebIdentity)
    {
        ArgumentNullException.ThrowIfNull(providerUrl);
        ArgumentNullException.ThrowIfNull(claims);
        var prefix = providerUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? providerUrl["https://".Length..] : providerUrl;
        prefix = prefix.TrimEnd('/');

        var builder = RequestContext.CreateBuilder(action, roleArn)
            .WithPrincipal(RequestPrincipal.WebIdentity(providerArn))
            .WithCurrentTime(now)
            .Add("aws:SecureTransport", true)
            .AddArn("aws:FederatedProvider", providerArn)
            .Add(prefix + ":sub", claims.Subject)
            .Add(prefix + ":aud", claims.Audience);

        AddIfPresent(builder, prefix + ":azp", claims.AuthorizedParty);
        AddIfPresent(builder, prefix + ":oaud", claims.OriginalAudience);
        AddIfPresent(builder, prefix + ":email", claims.Email);
        AddIfPresent(builder, "sts:RoleSessionName", roleSessionName);
        AddIfPresent(builder, "sts:SourceIdentity", claims.SourceIdentity);
        if (claims.AuthenticationMethods is { } amr)
        {
            builder.SetList(prefix + ":amr", amr);
        }

        if (claims.PrincipalTags is { Count: > 0 } tags)
        {
            foreach (var (key, value) in tags)
            {
                builder.Add("aws:RequestTag/" + key, value);
            }

            builder.SetList("aws:TagKeys", tags.Keys);
        }

        if (claims.TransitiveTagKeys is { } transitive)
        {
            builder.SetList("sts:TransitiveTagKeys", transitive);
        }

        return builder;
    }

    private static void AddIfPresent(RequestContextBuilder builder, string key, string? value)
    {
        if (value is not null)
        {
            builder.Add(key, value);
        }
    }
}
