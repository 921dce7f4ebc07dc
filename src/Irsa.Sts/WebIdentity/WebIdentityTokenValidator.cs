using System.Text.Json;
using System.Text.RegularExpressions;

namespace Irsa.Sts.WebIdentity;

/// <summary>
/// Validates a web identity token the way STS does, in its order: compact JWS → algorithm allow-list → OIDC provider
/// for <c>iss</c> in the role's account → issuer keys → signature → <c>exp</c>/<c>nbf</c>/<c>iat</c> → <c>aud</c> →
/// <c>sub</c> → AWS namespaced claims. Trust-policy evaluation is the caller's next step.
/// </summary>
public sealed partial class WebIdentityTokenValidator(IWebIdentityDirectory directory, OidcKeySource keys, TimeProvider timeProvider, StsOptions options)
{
    private const string TagsClaim = "https://aws.amazon.com/tags";
    private const string SourceIdentityClaim = "https://aws.amazon.com/source_identity";
    private const string RolesClaim = "https://aws.amazon.com/roles";
    private const int MaxSessionTags = 50;

    /// <summary>Header members that would change how the token must be processed; none are supported, so any of them is refused.</summary>
    private static readonly string[] RefusedHeaders = ["crit", "enc", "zip", "b64"];

    /// <summary>Validates <paramref name="token"/> for a role of <paramref name="roleAccountId"/>.</summary>
    public async Task<WebIdentityResult> ValidateAsync(string token, string roleAccountId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(roleAccountId);
        if (!JwsToken.TryParse(token, out var jws))
        {
            return Fail(StsErrors.NotAJwtMessage, "not a compact JWS");
        }

        using (jws)
        {
            // jku, x5u, jwk and x5c are deliberately ignored: keys come only from the registered issuer's JWKS.
            var algorithm = JwsAlgorithm.Find(jws.Algorithm);
            if (algorithm is null)
            {
                return Fail("The ID Token is signed with an unsupported algorithm", "alg not allowed");
            }

            if (RefusedHeaders.FirstOrDefault(jws.HasHeader) is { } refused)
            {
                return Fail("The ID Token uses an unsupported header: " + refused, "refused header " + refused);
            }

            var payload = jws.Payload;
            if (GetString(payload, "iss") is not { Length: > 0 } issuer)
            {
                return Fail("Missing a required claim: iss");
            }

            var provider = await directory.GetProviderAsync(roleAccountId, issuer, cancellationToken);
            if (provider is null || !string.Equals(provider.IssuerUrl, issuer, StringComparison.Ordinal))
            {
                return WebIdentityResult.Failure(StsErrors.NoProvider(issuer), "no provider");
            }

            var lookup = await keys.FindKeyAsync(issuer, provider.Thumbprints, jws.KeyId, algorithm, cancellationToken);
            if (lookup.Key is null)
            {
                return Fail(StsErrors.KeyRetrievalMessage, $"kid '{jws.KeyId}': {lookup.Detail}");
            }

            if (!lookup.Key.Verify(algorithm, jws.SigningInput, jws.Signature))
            {
                return Fail(StsErrors.InvalidSignatureMessage, $"bad signature for kid '{jws.KeyId}'");
            }

            return ValidateClaims(jws, issuer, provider);
        }
    }

    private WebIdentityResult ValidateClaims(JwsToken jws, string issuer, Irsa.Iam.Queries.OpenIdConnectProviderInfo provider)
    {
        var payload = jws.Payload;
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)options.ClockSkew.TotalSeconds;

        if (!TryGetTime(payload, "exp", out var exp, out var expBad) || !TryGetTime(payload, "nbf", out var nbf, out var nbfBad)
            || !TryGetTime(payload, "iat", out var iat, out var iatBad) || expBad || nbfBad || iatBad)
        {
            return Fail("Timestamps in the token must be formatted as either an integer or a long integer", "non-integer timestamp");
        }

        if (exp is null)
        {
            return Fail("Missing a required claim: exp");
        }

        if (now > exp.Value + skew)
        {
            return WebIdentityResult.Failure(StsErrors.ExpiredWebIdentityToken(now, exp.Value), "expired");
        }

        if (nbf is { } notBefore && notBefore > now + skew)
        {
            return Fail("The ID Token is not valid yet", "nbf in the future");
        }

        if (iat is { } issuedAt)
        {
            if (issuedAt > now + skew)
            {
                return Fail("The ID Token was issued in the future", "iat in the future");
            }

            if (options.MaxTokenAge is { } maxAge && now - issuedAt > (long)maxAge.TotalSeconds)
            {
                return WebIdentityResult.Failure(StsErrors.TokenTooOld(now - issuedAt), "too old");
            }
        }

        if (!payload.TryGetProperty("aud", out var audElement))
        {
            return Fail("Missing a required claim: aud");
        }

        var audiences = ReadStrings(audElement);
        var authorizedParty = GetString(payload, "azp");
        string? audience = audiences?.FirstOrDefault(a => provider.ClientIds.Contains(a, StringComparer.Ordinal));
        string? originalAudience = null;
        if (authorizedParty is not null)
        {
            // Google-style tokens: azp names the client; it becomes :aud and the token's own aud becomes :oaud.
            if (audience is null && provider.ClientIds.Contains(authorizedParty, StringComparer.Ordinal))
            {
                audience = authorizedParty;
            }

            originalAudience = audiences?.FirstOrDefault();
        }

        if (audience is null)
        {
            return Fail("Incorrect token audience");
        }

        if (GetString(payload, "sub") is not { Length: > 0 } subject)
        {
            return Fail("Missing a required claim: sub");
        }

        if (!TryReadTags(payload, out var tags, out var tagsError))
        {
            return Fail(tagsError!);
        }

        string? sourceIdentity = null;
        if (payload.TryGetProperty(SourceIdentityClaim, out var sourceElement))
        {
            sourceIdentity = sourceElement.ValueKind == JsonValueKind.String ? sourceElement.GetString() : null;
            if (sourceIdentity is null || sourceIdentity.Length is < 2 or > 64 || !SourceIdentityPattern().IsMatch(sourceIdentity))
            {
                return Fail("The source identity claim is not valid");
            }
        }

        IReadOnlyList<string>? roles = null;
        if (payload.TryGetProperty(RolesClaim, out var rolesElement) && (roles = ReadStrings(rolesElement)) is null)
        {
            return Fail("The roles claim of the identity token is not valid");
        }

        if (!TryReadKubernetes(payload, out var kubernetes))
        {
            return Fail("The kubernetes.io claim of the identity token is not valid");
        }

        var amrElement = payload.TryGetProperty("amr", out var amr) ? ReadStrings(amr) : null;
        return WebIdentityResult.Success(new ValidatedWebIdentity(issuer, provider, subject, audience, authorizedParty,
            authorizedParty is null ? null : originalAudience, amrElement, GetString(payload, "email"), jws.KeyId,
            DateTimeOffset.FromUnixTimeSeconds(exp.Value), tags, sourceIdentity, roles, kubernetes));
    }

    private static bool TryReadTags(JsonElement payload, out SessionTagsClaim? tags, out string? error)
    {
        tags = null;
        error = null;
        if (!payload.TryGetProperty(TagsClaim, out var claim))
        {
            return true;
        }

        error = "The session tags claim of the identity token is not valid";
        if (claim.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var principalTags = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (claim.TryGetProperty("principal_tags", out var principal))
        {
            if (principal.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var tag in principal.EnumerateObject())
            {
                // Each value is an array holding one string ({"k": ["v"]}); a bare string is tolerated.
                var value = tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString()
                    : tag.Value.ValueKind == JsonValueKind.Array && tag.Value.GetArrayLength() == 1 && tag.Value[0].ValueKind == JsonValueKind.String
                        ? tag.Value[0].GetString() : null;
                if (value is null || tag.Name.Length is < 1 or > 128 || value.Length > 256 || !seen.Add(tag.Name)
                    || !TagPattern().IsMatch(tag.Name) || !TagPattern().IsMatch(value))
                {
                    return false;
                }

                principalTags[tag.Name] = value;
            }
        }

        if (principalTags.Count > MaxSessionTags)
        {
            return false;
        }

        var transitive = new List<string>();
        if (claim.TryGetProperty("transitive_tag_keys", out var transitiveElement))
        {
            if (ReadStrings(transitiveElement) is not { } keys || keys.Any(k => !seen.Contains(k)))
            {
                return false;
            }

            transitive.AddRange(keys);
        }

        tags = new SessionTagsClaim(principalTags, transitive);
        error = null;
        return true;
    }

    private static bool TryReadKubernetes(JsonElement payload, out KubernetesIdentity? identity)
    {
        identity = null;
        if (!payload.TryGetProperty("kubernetes.io", out var claim))
        {
            return true;
        }

        if (claim.ValueKind != JsonValueKind.Object || GetString(claim, "namespace") is not { } ns)
        {
            return false;
        }

        if (!TryReadRef(claim, "serviceaccount", out var saName, out var saUid) || !TryReadRef(claim, "pod", out var podName, out var podUid))
        {
            return false;
        }

        // A pod binding without both name and uid cannot be checked for liveness; refuse rather than skip the check.
        if (claim.TryGetProperty("pod", out _) && (podName is null || podUid is null))
        {
            return false;
        }

        identity = new KubernetesIdentity(ns, saName, saUid, podName, podUid);
        return true;
    }

    private static bool TryReadRef(JsonElement claim, string name, out string? refName, out string? refUid)
    {
        refName = refUid = null;
        if (!claim.TryGetProperty(name, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        refName = GetString(element, "name");
        refUid = GetString(element, "uid");
        return true;
    }

    /// <summary>A NumericDate must be a JSON integer; absent is fine (<paramref name="value"/> null), anything else is <paramref name="malformed"/>.</summary>
    private static bool TryGetTime(JsonElement payload, string name, out long? value, out bool malformed)
    {
        value = null;
        malformed = false;
        if (!payload.TryGetProperty(name, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var seconds) || element.GetRawText().AsSpan().IndexOfAny(".eE") >= 0)
        {
            malformed = true;
            return true;
        }

        value = seconds;
        return true;
    }

    /// <summary>A string or an array of strings; <c>null</c> for any other shape.</summary>
    private static List<string>? ReadStrings(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return [element.GetString()!];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            list.Add(item.GetString()!);
        }

        return list;
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static WebIdentityResult Fail(string message, string? detail = null) =>
        WebIdentityResult.Failure(StsErrors.InvalidIdentityToken(message), detail ?? message);

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]*$")]
    private static partial Regex SourceIdentityPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    private static partial Regex TagPattern();
}
