using System.Text.Json;
using System.Text.RegularExpressions;
using Irsa.Core.Audit;

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
    private const string KubernetesClaim = "kubernetes.io";
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
            return Fail(StsErrors.NotAJwtMessage, Explain("MalformedToken",
                "The web identity token is not a compact JWS (three base64url parts, JSON header and payload, no duplicate members)."), null);
        }

        using (jws)
        {
            var payload = jws.Payload;
            var issuer = GetString(payload, "iss");
            var caller = issuer is { Length: > 0 } ? ReadUnverifiedCaller(payload, issuer) : null;

            // jku, x5u, jwk and x5c are deliberately ignored: keys come only from the registered issuer's JWKS.
            var algorithm = JwsAlgorithm.Find(jws.Algorithm);
            if (algorithm is null)
            {
                return Fail("The ID Token is signed with an unsupported algorithm", Explain("UnsupportedAlgorithm",
                    $"The token's algorithm {ExplanationText.Quote(jws.Algorithm)} is not one STS accepts.",
                    "accepted: " + string.Join(", ", JwsAlgorithm.Names)), caller);
            }

            if (RefusedHeaders.FirstOrDefault(jws.HasHeader) is { } refused)
            {
                return Fail("The ID Token uses an unsupported header: " + refused, Explain("UnsupportedHeader",
                    $"The token's header has \"{refused}\", which changes how a JWS must be processed; STS supports none of crit, enc, zip, b64."), caller);
            }

            if (issuer is not { Length: > 0 })
            {
                return MissingClaim("iss", null);
            }

            var provider = await directory.GetProviderAsync(roleAccountId, issuer, cancellationToken);
            if (provider is null || !string.Equals(provider.IssuerUrl, issuer, StringComparison.Ordinal))
            {
                var details = new List<string> { "iss: " + ExplanationText.Quote(issuer), "account: " + roleAccountId };
                if (provider is not null)
                {
                    details.Add($"the provider {provider.Arn} is registered for issuer {ExplanationText.Quote(provider.IssuerUrl)}");
                }

                return WebIdentityResult.Failure(StsErrors.NoProvider(issuer), new Explanation("UnknownIssuer",
                    $"Account {roleAccountId} has no IAM OIDC provider for the token's issuer {ExplanationText.Quote(issuer)}.", details, []), caller);
            }

            caller = caller! with { ProviderArn = provider.Arn };
            var lookup = await keys.FindKeyAsync(issuer, provider.Thumbprints, jws.KeyId, algorithm, cancellationToken);
            if (lookup.Key is null)
            {
                return Fail(StsErrors.KeyRetrievalMessage, ExplainKeyLookup(issuer, jws.KeyId, algorithm, lookup), caller);
            }

            if (!lookup.Key.Verify(algorithm, jws.SigningInput, jws.Signature))
            {
                return Fail(StsErrors.InvalidSignatureMessage, Explain("BadSignature",
                    $"The token's {algorithm.Name} signature does not verify with key {ExplanationText.Quote(lookup.Key.KeyId)} of {ExplanationText.Quote(issuer)}."),
                    caller);
            }

            return ValidateClaims(jws, issuer, provider, caller with { Verified = true });
        }
    }

    private WebIdentityResult ValidateClaims(JwsToken jws, string issuer, Irsa.Iam.Queries.OpenIdConnectProviderInfo provider, WebIdentityCaller caller)
    {
        var payload = jws.Payload;
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)options.ClockSkew.TotalSeconds;

        var exp = GetTime(payload, "exp", out var expBad);
        var nbf = GetTime(payload, "nbf", out var nbfBad);
        var iat = GetTime(payload, "iat", out var iatBad);
        if (expBad || nbfBad || iatBad)
        {
            var bad = expBad ? "exp" : nbfBad ? "nbf" : "iat";
            return Fail("Timestamps in the token must be formatted as either an integer or a long integer", Explain("MalformedClaim",
                $"The token's {bad} claim is not an integer NumericDate."), caller);
        }

        if (exp is null)
        {
            return MissingClaim("exp", caller);
        }

        if (now > exp.Value + skew)
        {
            return WebIdentityResult.Failure(StsErrors.ExpiredWebIdentityToken(now, exp.Value), ExplainTime("TokenExpired",
                "The token has expired.", ("exp", exp.Value), now, skew), caller);
        }

        if (nbf is { } notBefore && notBefore > now + skew)
        {
            return Fail("The ID Token is not valid yet", ExplainTime("TokenNotYetValid", "The token is not valid yet (nbf is in the future).",
                ("nbf", notBefore), now, skew), caller);
        }

        if (iat is { } issuedAt)
        {
            if (issuedAt > now + skew)
            {
                return Fail("The ID Token was issued in the future", ExplainTime("TokenIssuedInFuture", "The token was issued in the future (iat).",
                    ("iat", issuedAt), now, skew), caller);
            }

            if (options.MaxTokenAge is { } maxAge && now - issuedAt > (long)maxAge.TotalSeconds)
            {
                return WebIdentityResult.Failure(StsErrors.TokenTooOld(now - issuedAt), ExplainTime("TokenTooOld",
                    $"The token is {now - issuedAt} s old; at most {(long)maxAge.TotalSeconds} s are accepted.", ("iat", issuedAt), now, skew), caller);
            }
        }

        if (!payload.TryGetProperty("aud", out var audElement))
        {
            return MissingClaim("aud", caller);
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
            var details = new List<string>
            {
                "token aud: " + (audiences is null ? "(not a string or array of strings)" : ExplanationText.List(audiences)),
                $"client ids of {provider.Arn}: {ExplanationText.List(provider.ClientIds)}",
            };
            if (authorizedParty is not null)
            {
                details.Insert(1, "token azp: " + ExplanationText.Quote(authorizedParty));
            }

            return Fail("Incorrect token audience", new Explanation("AudienceMismatch",
                $"None of the token's audiences is a client id of the OIDC provider {provider.Arn}.", details, []), caller);
        }

        caller = caller with { Audience = audience };
        if (GetString(payload, "sub") is not { Length: > 0 } subject)
        {
            return MissingClaim("sub", caller);
        }

        if (!TryReadTags(payload, out var tags, out var tagsError))
        {
            return Fail(tagsError!, InvalidClaim(TagsClaim), caller);
        }

        string? sourceIdentity = null;
        if (payload.TryGetProperty(SourceIdentityClaim, out var sourceElement))
        {
            sourceIdentity = sourceElement.ValueKind == JsonValueKind.String ? sourceElement.GetString() : null;
            if (sourceIdentity is null || sourceIdentity.Length is < 2 or > 64 || !SourceIdentityPattern().IsMatch(sourceIdentity))
            {
                return Fail("The source identity claim is not valid", InvalidClaim(SourceIdentityClaim), caller);
            }
        }

        IReadOnlyList<string>? roles = null;
        if (payload.TryGetProperty(RolesClaim, out var rolesElement) && (roles = ReadStrings(rolesElement)) is null)
        {
            return Fail("The roles claim of the identity token is not valid", InvalidClaim(RolesClaim), caller);
        }

        if (!TryReadKubernetes(payload, out var kubernetes))
        {
            return Fail("The kubernetes.io claim of the identity token is not valid", InvalidClaim(KubernetesClaim), caller);
        }

        var amrElement = payload.TryGetProperty("amr", out var amr) ? ReadStrings(amr) : null;
        return WebIdentityResult.Success(new ValidatedWebIdentity(issuer, provider, subject, audience, authorizedParty,
            authorizedParty is null ? null : originalAudience, amrElement, GetString(payload, "email"), jws.KeyId,
            DateTimeOffset.FromUnixTimeSeconds(exp.Value), tags, sourceIdentity, roles, kubernetes), caller);
    }

    /// <summary>The caller facts readable before any check: nothing in them is trusted until the signature verifies.</summary>
    private static WebIdentityCaller ReadUnverifiedCaller(JsonElement payload, string issuer)
    {
        var subject = GetString(payload, "sub");
        var audience = payload.TryGetProperty("aud", out var aud) ? ReadStrings(aud)?.FirstOrDefault() : null;
        var pod = TryReadKubernetes(payload, out var kubernetes) ? kubernetes?.ToPodAttribution(issuer, subject, clusterName: null) : null;
        return new WebIdentityCaller(issuer, null, audience, subject, Verified: false, pod);
    }

    private static Explanation ExplainKeyLookup(string issuer, string? keyId, JwsAlgorithm algorithm, KeyLookup lookup)
    {
        var details = new List<string>();
        if (lookup.Status == KeyLookupStatus.UnknownKey)
        {
            details.Add("JWKS key ids: " + (lookup.AvailableKeyIds.Count == 0 ? "(none)" : ExplanationText.List(lookup.AvailableKeyIds)));
        }

        if (lookup.Detail is { } detail)
        {
            details.Add(detail);
        }

        var summary = lookup.Status switch
        {
            KeyLookupStatus.UnknownKey when keyId is null =>
                $"The token has no kid, and the JWKS of {ExplanationText.Quote(issuer)} has no single key for {algorithm.Name}.",
            KeyLookupStatus.UnknownKey => $"The token's key id {ExplanationText.Quote(keyId)} is not in the JWKS of {ExplanationText.Quote(issuer)}.",
            _ => $"The keys of {ExplanationText.Quote(issuer)} could not be fetched.",
        };
        return new Explanation(lookup.Status == KeyLookupStatus.UnknownKey ? "UnknownKeyId" : "JwksUnavailable", summary, details, []);
    }

    private static Explanation ExplainTime(string check, string summary, (string Name, long Value) claim, long now, long skew) =>
        Explain(check, summary,
            $"{claim.Name}: {ExplanationText.Time(claim.Value)}",
            "now: " + ExplanationText.Time(now),
            $"allowed clock skew: {skew} s");

    private static Explanation InvalidClaim(string claim) => Explain("InvalidClaim", $"The token's {claim} claim is not valid.");

    private static WebIdentityResult MissingClaim(string claim, WebIdentityCaller? caller) =>
        Fail("Missing a required claim: " + claim, Explain("MissingClaim", $"The token has no {claim} claim."), caller);

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
        if (!payload.TryGetProperty(KubernetesClaim, out var claim))
        {
            return true;
        }

        if (claim.ValueKind != JsonValueKind.Object || GetString(claim, "namespace") is not { } ns)
        {
            return false;
        }

        if (!TryReadRef(claim, "serviceaccount", out var saName, out var saUid) || !TryReadRef(claim, "pod", out var podName, out var podUid)
            || !TryReadRef(claim, "node", out var nodeName, out var nodeUid))
        {
            return false;
        }

        // A pod binding without both name and uid cannot be checked for liveness; refuse rather than skip the check.
        if (claim.TryGetProperty("pod", out _) && (podName is null || podUid is null))
        {
            return false;
        }

        identity = new KubernetesIdentity(ns, saName, saUid, podName, podUid, nodeName, nodeUid);
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

    /// <summary>A NumericDate must be a JSON integer; absent is fine (<c>null</c>), anything else is <paramref name="malformed"/>.</summary>
    private static long? GetTime(JsonElement payload, string name, out bool malformed)
    {
        malformed = false;
        if (!payload.TryGetProperty(name, out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var seconds) || element.GetRawText().AsSpan().IndexOfAny(".eE") >= 0)
        {
            malformed = true;
            return null;
        }

        return seconds;
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

    private static WebIdentityResult Fail(string message, Explanation explanation, WebIdentityCaller? caller) =>
        WebIdentityResult.Failure(StsErrors.InvalidIdentityToken(message), explanation, caller);

    private static Explanation Explain(string check, string summary, params string[] details) => Explanation.Of(check, summary, details);

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]*$")]
    private static partial Regex SourceIdentityPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    private static partial Regex TagPattern();
}
