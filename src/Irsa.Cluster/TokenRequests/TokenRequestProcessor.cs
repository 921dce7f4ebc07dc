using System.Globalization;
using Irsa.Cluster.Errors;
using Irsa.Cluster.Json;
using Irsa.Cluster.Keys;
using Irsa.Cluster.Tokens;
using k8s.Models;

namespace Irsa.Cluster.TokenRequests;

/// <summary>
/// kube-apiserver's TokenRequest subresource semantics: validation, defaulting, binding checks, max-expiration
/// clamping and the 3607-second extension, then signing.
/// </summary>
/// <remarks>Checks run in kube-apiserver's order, so the first failure reported matches what Kubernetes returns.</remarks>
public sealed class TokenRequestProcessor
{
    /// <summary>Default <c>spec.expirationSeconds</c> (v1 defaulting).</summary>
    public const long DefaultExpirationSeconds = 3600;

    /// <summary>Minimum token lifetime: 10 minutes.</summary>
    public const long MinExpirationSeconds = 600;

    /// <summary>The marker lifetime that, for pod-bound API-audience tokens, is extended (1 h 7 s).</summary>
    public const long WarnOnlyBoundTokenExpirationSeconds = 3607;

    /// <summary>Lifetime of extended tokens: 365 days.</summary>
    public const long ExpirationExtensionSeconds = 31536000;

    private const string Group = "authentication.k8s.io";
    private const string Kind = "TokenRequest";

    private readonly ClusterIssuerOptions _options;
    private readonly ServiceAccountTokenIssuer _issuer;
    private readonly TimeProvider _timeProvider;
    private readonly HashSet<string> _apiAudiences;

    /// <summary>Creates a processor; throws <see cref="ArgumentException"/> for invalid options.</summary>
    public TokenRequestProcessor(ClusterIssuerOptions options, ServiceAccountTokenIssuer issuer, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.EnsureValid();
        _options = options;
        _issuer = issuer;
        _timeProvider = timeProvider;
        _apiAudiences = new HashSet<string>(options.EffectiveApiAudiences, StringComparer.Ordinal);
    }

    /// <summary>Classifies a bound object reference (core group only, as kube-apiserver does).</summary>
    public static BoundObjectKind GetBoundObjectKind(V1BoundObjectReference? reference)
    {
        if (reference is null)
        {
            return BoundObjectKind.None;
        }

        if (ParseGroup(reference.ApiVersion).Length != 0)
        {
            return BoundObjectKind.Unsupported;
        }

        return reference.Kind switch
        {
            "Pod" => BoundObjectKind.Pod,
            "Secret" => BoundObjectKind.Secret,
            "Node" => BoundObjectKind.Node,
            _ => BoundObjectKind.Unsupported,
        };
    }

    /// <summary>Processes one TokenRequest and signs the token with <paramref name="signingKey"/>.</summary>
    public TokenRequestOutcome Process(TokenRequestInput input, ClusterSigningKey signingKey)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(signingKey);

        var request = input.Request;
        var name = input.ServiceAccountName;
        var ns = input.Namespace;
        var metadata = request.Metadata ?? new V1ObjectMeta();
        var spec = request.Spec ?? new V1TokenRequestSpec();

        if (string.IsNullOrEmpty(ns))
        {
            return TokenRequestOutcome.Fail(KubernetesStatus.BadRequest("namespace is required"));
        }

        if (!string.IsNullOrEmpty(metadata.Name) && metadata.Name != name)
        {
            return Invalid(name, FieldError.Invalid("metadata.name", metadata.Name, "must match the service account name if specified"));
        }

        if (!string.IsNullOrEmpty(metadata.NamespaceProperty) && metadata.NamespaceProperty != ns)
        {
            return Invalid(name, FieldError.Invalid("metadata.namespace", metadata.NamespaceProperty, "must match the service account namespace if specified"));
        }

        if (input.ServiceAccount is not { } serviceAccount)
        {
            return TokenRequestOutcome.Fail(KubernetesStatus.NotFound("", "serviceaccounts", name));
        }

        var serviceAccountUid = serviceAccount.Metadata?.Uid ?? "";
        if (!string.IsNullOrEmpty(metadata.Uid) && metadata.Uid != serviceAccountUid)
        {
            return TokenRequestOutcome.Fail(KubernetesStatus.Conflict(Group, Kind, name, string.Create(
                CultureInfo.InvariantCulture,
                $"the UID in the token request ({metadata.Uid}) does not match the UID of the service account ({serviceAccountUid})")));
        }

        var audiences = spec.Audiences is { Count: > 0 } requested ? requested.ToList() : _options.EffectiveApiAudiences.ToList();
        var expirationSeconds = spec.ExpirationSeconds ?? DefaultExpirationSeconds;

        if (expirationSeconds < MinExpirationSeconds)
        {
            return Invalid("", FieldError.Invalid("spec.expirationSeconds", expirationSeconds, "may not specify a duration less than 10 minutes"));
        }

        if (expirationSeconds > ClusterIssuerOptions.MaxExpirationSecondsLimit)
        {
            return Invalid("", FieldError.Invalid("spec.expirationSeconds", expirationSeconds, "may not specify a duration larger than 2^32 seconds"));
        }

        var binding = ResolveBinding(input, spec.BoundObjectRef, name);
        if (binding.Failure is { } bindingFailure)
        {
            return TokenRequestOutcome.Fail(bindingFailure);
        }

        var warnings = new List<string>();
        if (_options.MaxTokenExpirationSeconds > 0 && expirationSeconds > _options.MaxTokenExpirationSeconds)
        {
            warnings.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"requested expiration of {expirationSeconds} seconds shortened to {_options.MaxTokenExpirationSeconds} seconds"));
            expirationSeconds = _options.MaxTokenExpirationSeconds;
        }

        // The extension keeps default kube-api-access tokens working for a year while the kubelet still refreshes
        // them hourly; it never applies to IRSA-style tokens for external audiences.
        var tokenSeconds = expirationSeconds;
        long? warnAfter = null;
        if (_options.ExtendTokenExpiration
            && binding.Pod is not null
            && expirationSeconds == WarnOnlyBoundTokenExpirationSeconds
            && audiences.All(_apiAudiences.Contains))
        {
            warnAfter = expirationSeconds;
            tokenSeconds = ExpirationExtensionSeconds;
        }

        var claims = new ServiceAccountTokenClaims
        {
            Issuer = _options.Issuer,
            Namespace = ns,
            ServiceAccount = new ObjectRef(serviceAccount.Metadata?.Name ?? name, serviceAccountUid),
            Audiences = audiences,
            ExpirationSeconds = tokenSeconds,
            WarnAfterSeconds = warnAfter,
            Pod = binding.Pod,
            Secret = binding.Secret,
            Node = binding.Node,
        };

        var now = TruncateToSeconds(_timeProvider.GetUtcNow());
        var token = _issuer.Issue(signingKey, claims, now);

        var response = new Authenticationv1TokenRequest
        {
            ApiVersion = "authentication.k8s.io/v1",
            Kind = Kind,
            Metadata = metadata with
            {
                Name = string.IsNullOrEmpty(metadata.Name) ? serviceAccount.Metadata?.Name ?? name : metadata.Name,
                NamespaceProperty = string.IsNullOrEmpty(metadata.NamespaceProperty) ? ns : metadata.NamespaceProperty,
                Uid = serviceAccountUid.Length > 0 ? serviceAccountUid : metadata.Uid,
                CreationTimestamp = now.UtcDateTime,
            },
            Spec = spec with { Audiences = audiences, ExpirationSeconds = expirationSeconds },
            Status = new V1TokenRequestStatus
            {
                Token = token.Token,

                // The requested (possibly clamped) lifetime, never the extended one: the kubelet refreshes from this.
                ExpirationTimestamp = now.AddSeconds(expirationSeconds).UtcDateTime,
            },
        };

        return TokenRequestOutcome.Success(response, token, warnings);
    }

    private static Binding ResolveBinding(TokenRequestInput input, V1BoundObjectReference? reference, string serviceAccountName)
    {
        if (reference is null)
        {
            return default;
        }

        var refName = reference.Name ?? "";
        string liveUid;
        var binding = default(Binding);
        switch (GetBoundObjectKind(reference))
        {
            case BoundObjectKind.Pod:
                if (input.Pod is not { } pod)
                {
                    return Fail(KubernetesStatus.NotFound("", "pods", refName));
                }

                if (pod.Spec?.ServiceAccountName != serviceAccountName)
                {
                    return Fail(KubernetesStatus.BadRequest(
                        $"cannot bind token for serviceaccount {GoQuote.Quote(serviceAccountName)} to pod running with different serviceaccount name."));
                }

                liveUid = pod.Metadata?.Uid ?? "";
                binding = binding with { Pod = new ObjectRef(pod.Metadata?.Name ?? refName, liveUid) };
                if (pod.Spec.NodeName is { Length: > 0 } nodeName)
                {
                    // A missing Node still yields the name; only its uid is left out.
                    var nodeUid = input.Node?.Metadata?.Name == nodeName ? input.Node.Metadata.Uid : null;
                    binding = binding with { Node = new ObjectRef(nodeName, nodeUid) };
                }

                break;
            case BoundObjectKind.Secret:
                if (input.Secret is not { } secret)
                {
                    return Fail(KubernetesStatus.NotFound("", "secrets", refName));
                }

                liveUid = secret.Metadata?.Uid ?? "";
                binding = binding with { Secret = new ObjectRef(secret.Metadata?.Name ?? refName, liveUid) };
                break;
            case BoundObjectKind.Node:
                if (input.Node is not { } node)
                {
                    return Fail(KubernetesStatus.NotFound("", "nodes", refName));
                }

                liveUid = node.Metadata?.Uid ?? "";
                binding = binding with { Node = new ObjectRef(node.Metadata?.Name ?? refName, liveUid) };
                break;
            default:
                return Fail(KubernetesStatus.BadRequest("cannot bind token to object of type " + FormatGroupVersionKind(reference)));
        }

        if (!string.IsNullOrEmpty(reference.Uid) && reference.Uid != liveUid)
        {
            return Fail(KubernetesStatus.Conflict(ParseGroup(reference.ApiVersion), reference.Kind, refName, string.Create(
                CultureInfo.InvariantCulture,
                $"the UID in the bound object reference ({reference.Uid}) does not match the UID in record. The object might have been deleted and then recreated")));
        }

        return binding;

        static Binding Fail(KubernetesStatus status) => new() { Failure = status };
    }

    private static TokenRequestOutcome Invalid(string name, FieldError error) =>
        TokenRequestOutcome.Fail(KubernetesStatus.Invalid(Group, Kind, name, [error]));

    // schema.ParseGroupVersion: "v1" is the core group, "group/version" names a group.
    private static string ParseGroup(string? apiVersion)
    {
        if (string.IsNullOrEmpty(apiVersion))
        {
            return "";
        }

        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : apiVersion[..slash];
    }

    // schema.GroupVersionKind.String(): "group/version, Kind=kind".
    private static string FormatGroupVersionKind(V1BoundObjectReference reference)
    {
        var apiVersion = reference.ApiVersion ?? "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        return group + "/" + version + ", Kind=" + reference.Kind;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());

    private readonly record struct Binding(ObjectRef? Pod, ObjectRef? Secret, ObjectRef? Node, KubernetesStatus? Failure);
}
