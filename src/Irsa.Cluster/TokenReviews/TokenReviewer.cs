using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Irsa.Cluster.Json;
using Irsa.Cluster.Keys;
using k8s.Models;

namespace Irsa.Cluster.TokenReviews;

/// <summary>
/// Validates bound service-account tokens the way kube-apiserver's service-account authenticator does and
/// produces TokenReview results.
/// </summary>
/// <remarks>
/// Order: cheap issuer pre-check, key by <c>kid</c>, signature, audience intersection, time checks with a 60 s leeway,
/// then live lookups of the service account and bound objects (objects deleted more than 60 s ago count as gone).
/// Error texts are kube-apiserver's (signature failures use go-jose v2's wording).
/// </remarks>
public sealed class TokenReviewer
{
    /// <summary>Clock-skew allowance for <c>exp</c>, <c>nbf</c>, <c>iat</c> and deletion timestamps.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(60);

    private const string CryptoFailure = "square/go-jose: error in cryptographic primitive";
    private const string UnsupportedAlgorithm = "square/go-jose: unknown/unsupported algorithm";
    private const string Invalidated = "service account token has been invalidated";

    private readonly ClusterIssuerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IClusterObjectLookup _lookup;
    private readonly HashSet<string> _issuers;

    /// <summary>Creates a reviewer for one cluster.</summary>
    public TokenReviewer(ClusterIssuerOptions options, TimeProvider timeProvider, IClusterObjectLookup lookup)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(lookup);
        options.EnsureValid();
        _options = options;
        _timeProvider = timeProvider;
        _lookup = lookup;
        _issuers = new HashSet<string>(options.Issuers, StringComparer.Ordinal);
    }

    /// <summary>Reviews a TokenReview request and returns the response object (spec echoed, status filled).</summary>
    public async ValueTask<V1TokenReview> ReviewAsync(V1TokenReview review, IEnumerable<ClusterSigningKey> verificationKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(review);
        var result = await ReviewAsync(review.Spec?.Token ?? "", review.Spec?.Audiences?.ToList(), verificationKeys, cancellationToken).ConfigureAwait(false);
        return new V1TokenReview
        {
            ApiVersion = "authentication.k8s.io/v1",
            Kind = "TokenReview",
            Metadata = review.Metadata ?? new V1ObjectMeta(),
            Spec = review.Spec ?? new V1TokenReviewSpec(),
            Status = result.Status,
        };
    }

    /// <summary>Reviews one token for the requested audiences (empty or null: the API audiences).</summary>
    /// <param name="token">The bearer token.</param>
    /// <param name="audiences">Requested audiences.</param>
    /// <param name="verificationKeys">Every published key of the cluster.</param>
    /// <param name="cancellationToken">Cancels lookups.</param>
    public async ValueTask<TokenReviewResult> ReviewAsync(
        string token,
        IReadOnlyList<string>? audiences,
        IEnumerable<ClusterSigningKey> verificationKeys,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verificationKeys);

        // 1. Not a JWS for one of our issuers: "not mine", which is a negative review without an error.
        if (!TryParse(token ?? "", out var parsed))
        {
            return Unauthenticated(null);
        }

        // 2. Key selection by kid, then signature.
        var candidates = parsed.KeyId is { Length: > 0 } kid
            ? verificationKeys.Where(k => k.KeyId == kid).ToList()
            : verificationKeys.ToList();
        if (candidates.Count == 0)
        {
            return Unauthenticated("invalid signature, no keys found");
        }

        var errors = new List<string>();
        var verified = false;
        foreach (var key in candidates)
        {
            if (VerifyWith(key, parsed) is { } error)
            {
                errors.Add(error);
                continue;
            }

            verified = true;
            break;
        }

        if (!verified)
        {
            return Unauthenticated(Aggregate(errors));
        }

        if (!TryReadClaims(parsed.Payload, out var claims))
        {
            return Unauthenticated("service account token claims could not be typed");
        }

        // 3. Audiences: the matched set is returned to the caller, in requested order.
        var apiAudiences = _options.EffectiveApiAudiences;
        var tokenAudiences = claims.Audiences.Count > 0 ? claims.Audiences : apiAudiences;
        var requested = audiences is { Count: > 0 } ? audiences : apiAudiences;
        var matched = requested.Where(a => tokenAudiences.Contains(a, StringComparer.Ordinal)).ToList();
        if (matched.Count == 0)
        {
            return Unauthenticated(string.Create(
                CultureInfo.InvariantCulture,
                $"token audiences {GoQuote.QuoteList(tokenAudiences)} is invalid for the target audiences {GoQuote.QuoteList(requested)}"));
        }

        // 4. Times.
        var now = _timeProvider.GetUtcNow();
        if (claims.NotBefore is { } nbf && now + Leeway < nbf)
        {
            return Unauthenticated("service account token is not valid yet");
        }

        if (claims.Expiry is { } exp && now - Leeway > exp)
        {
            return Unauthenticated("service account token has expired");
        }

        if (claims.IssuedAt is { } iat && now + Leeway < iat)
        {
            return Unauthenticated("service account token is issued in the future");
        }

        // 5. Live objects.
        var lookupError = await CheckLiveObjectsAsync(claims, now - Leeway, cancellationToken).ConfigureAwait(false);
        if (lookupError is not null)
        {
            return Unauthenticated(lookupError);
        }

        // 6. Stale (past warnafter) extended tokens stay valid; the caller may audit them.
        string? stale = null;
        if (claims.WarnAfter is { } warnAfter && warnAfter.ToUnixTimeSeconds() != 0 && now > warnAfter)
        {
            stale = string.Create(
                CultureInfo.InvariantCulture,
                $"subject: {claims.Subject}, seconds after warning threshold: {now.ToUnixTimeSeconds() - warnAfter.ToUnixTimeSeconds()}");
        }

        return new TokenReviewResult(
            new V1TokenReviewStatus
            {
                Authenticated = true,
                Audiences = matched,
                User = BuildUser(claims),
            },
            stale);
    }

    private async ValueTask<string?> CheckLiveObjectsAsync(TokenClaims claims, DateTimeOffset deletedBefore, CancellationToken cancellationToken)
    {
        var ns = claims.Namespace;
        var sa = claims.ServiceAccount;
        var serviceAccount = await _lookup.GetServiceAccountAsync(ns, sa.Name, cancellationToken).ConfigureAwait(false);
        if (serviceAccount is null)
        {
            return $"serviceaccount {GoQuote.Quote(sa.Name)} not found";
        }

        if (serviceAccount.Uid != sa.Uid)
        {
            return $"service account UID ({serviceAccount.Uid}) does not match claim ({sa.Uid})";
        }

        if (serviceAccount.DeletionTimestamp < deletedBefore)
        {
            return $"service account {ns}/{sa.Name} has been deleted";
        }

        if (claims.Secret is { } secretRef)
        {
            var secret = await _lookup.GetSecretAsync(ns, secretRef.Name, cancellationToken).ConfigureAwait(false);
            if (secret is null)
            {
                return Invalidated;
            }

            if (secret.Uid != secretRef.Uid)
            {
                return $"secret UID ({secret.Uid}) does not match service account secret ref claim ({secretRef.Uid})";
            }

            if (secret.DeletionTimestamp < deletedBefore)
            {
                return Invalidated;
            }
        }

        if (claims.Pod is { } podRef)
        {
            var pod = await _lookup.GetPodAsync(ns, podRef.Name, cancellationToken).ConfigureAwait(false);
            if (pod is null)
            {
                return Invalidated;
            }

            if (pod.Uid != podRef.Uid)
            {
                return $"pod UID ({pod.Uid}) does not match service account pod ref claim ({podRef.Uid})";
            }

            if (pod.DeletionTimestamp < deletedBefore)
            {
                return Invalidated;
            }
        }
        else if (claims.Node is { } nodeRef)
        {
            // Only node-bound tokens check the node; a pod-bound token's node claim is informational.
            var node = await _lookup.GetNodeAsync(nodeRef.Name, cancellationToken).ConfigureAwait(false);
            if (node is null)
            {
                return Invalidated;
            }

            if (node.Uid != nodeRef.Uid)
            {
                return $"node UID ({node.Uid}) does not match service account node ref claim ({nodeRef.Uid})";
            }

            if (node.DeletionTimestamp < deletedBefore)
            {
                return Invalidated;
            }
        }

        return null;
    }

    private static V1UserInfo BuildUser(TokenClaims claims)
    {
        // Inserted in key order so serializers that keep insertion order match Go's sorted map output.
        var extra = new Dictionary<string, IList<string>>(StringComparer.Ordinal);
        if (claims.TokenId is { Length: > 0 } jti)
        {
            extra[ServiceAccountUserExtra.CredentialId] = ["JTI=" + jti];
        }

        if (claims.Node is { Name.Length: > 0 } node)
        {
            extra[ServiceAccountUserExtra.NodeName] = [node.Name];
            if (node.Uid.Length > 0)
            {
                extra[ServiceAccountUserExtra.NodeUid] = [node.Uid];
            }
        }

        if (claims.Pod is { Name.Length: > 0, Uid.Length: > 0 } pod)
        {
            extra[ServiceAccountUserExtra.PodName] = [pod.Name];
            extra[ServiceAccountUserExtra.PodUid] = [pod.Uid];
        }

        return new V1UserInfo
        {
            Username = ServiceAccountNames.MakeUsername(claims.Namespace, claims.ServiceAccount.Name),
            Uid = claims.ServiceAccount.Uid,
            Groups =
            [
                ServiceAccountNames.AllServiceAccountsGroup,
                ServiceAccountNames.MakeNamespaceGroup(claims.Namespace),
                ServiceAccountNames.AuthenticatedGroup,
            ],
            Extra = extra.Count > 0 ? extra : null,
        };
    }

    private static TokenReviewResult Unauthenticated(string? error) =>
        new(new V1TokenReviewStatus { Authenticated = false, Error = error, User = new V1UserInfo() });

    private static string? VerifyWith(ClusterSigningKey key, ParsedToken token)
    {
        if (!SigningAlgorithms.TryParseJoseName(token.Algorithm, out var algorithm))
        {
            return UnsupportedAlgorithm;
        }

        if (algorithm != key.Algorithm)
        {
            var isEcPair = algorithm != SigningAlgorithm.RS256 && key.Algorithm != SigningAlgorithm.RS256;
            return isEcPair
                ? string.Create(CultureInfo.InvariantCulture, $"square/go-jose: expected {CurveBits(algorithm)} bit key, got {CurveBits(key.Algorithm)} bits instead")
                : UnsupportedAlgorithm;
        }

        return key.Verify(token.SigningInput, token.Signature) ? null : CryptoFailure;

        static int CurveBits(SigningAlgorithm a) => a switch
        {
            SigningAlgorithm.ES256 => 256,
            SigningAlgorithm.ES384 => 384,
            _ => 521,
        };
    }

    // utilerrors.NewAggregate: duplicates collapse, a single message is not bracketed.
    private static string Aggregate(List<string> errors)
    {
        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    private bool TryParse(string token, out ParsedToken parsed)
    {
        parsed = default;
        if (token.TrimStart().StartsWith('{'))
        {
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(parts[1]);
            using (var document = JsonDocument.Parse(payload))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("iss", out var iss)
                    || iss.ValueKind != JsonValueKind.String
                    || !_issuers.Contains(iss.GetString()!))
                {
                    return false;
                }
            }

            string? algorithm;
            string? kid = null;
            using (var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])))
            {
                var root = header.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                algorithm = alg.GetString();
                if (root.TryGetProperty("kid", out var kidElement) && kidElement.ValueKind == JsonValueKind.String)
                {
                    kid = kidElement.GetString();
                }
            }

            var signature = Base64Url.DecodeFromChars(parts[2]);
            var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            parsed = new ParsedToken(algorithm, kid, signingInput, signature, payload);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return false;
        }
    }

    private static bool TryReadClaims(byte[] payload, out TokenClaims claims)
    {
        claims = default!;
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            var kubernetes = root.TryGetProperty("kubernetes.io", out var k) && k.ValueKind == JsonValueKind.Object ? k : default;
            claims = new TokenClaims(
                ReadAudiences(root),
                ReadTime(root, "exp"),
                ReadTime(root, "nbf"),
                ReadTime(root, "iat"),
                ReadString(root, "jti"),
                ReadString(root, "sub") ?? "",
                ReadString(kubernetes, "namespace") ?? "",
                ReadRef(kubernetes, "serviceaccount") ?? new Ref("", ""),
                ReadRef(kubernetes, "pod"),
                ReadRef(kubernetes, "secret"),
                ReadRef(kubernetes, "node"),
                ReadTime(kubernetes, "warnafter"));
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static List<string> ReadAudiences(JsonElement root)
    {
        if (!root.TryGetProperty("aud", out var aud))
        {
            return [];
        }

        // go-jose accepts a single string or an array.
        return aud.ValueKind switch
        {
            JsonValueKind.String => [aud.GetString()!],
            JsonValueKind.Array => aud.EnumerateArray().Select(a => a.GetString() ?? throw new FormatException()).ToList(),
            JsonValueKind.Null => [],
            _ => throw new FormatException(),
        };
    }

    private static DateTimeOffset? ReadTime(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // NumericDate may be fractional; go-jose truncates to whole seconds.
        return DateTimeOffset.FromUnixTimeSeconds(value.TryGetInt64(out var seconds) ? seconds : (long)value.GetDouble());
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.GetString()
            : null;

    private static Ref? ReadRef(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return new Ref(ReadString(value, "name") ?? "", ReadString(value, "uid") ?? "");
    }

    private readonly record struct ParsedToken(string? Algorithm, string? KeyId, byte[] SigningInput, byte[] Signature, byte[] Payload);

    private sealed record Ref(string Name, string Uid);

    private sealed record TokenClaims(
        IReadOnlyList<string> Audiences,
        DateTimeOffset? Expiry,
        DateTimeOffset? NotBefore,
        DateTimeOffset? IssuedAt,
        string? TokenId,
        string Subject,
        string Namespace,
        Ref ServiceAccount,
        Ref? Pod,
        Ref? Secret,
        Ref? Node,
        DateTimeOffset? WarnAfter);
}
