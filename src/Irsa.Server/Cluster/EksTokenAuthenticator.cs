using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;
using Irsa.Iam;
using Irsa.Kubernetes;
using Irsa.Policy;
using Irsa.Server.Hosting;
using Irsa.Server.Security;
using Irsa.SigV4;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Server.Cluster;

/// <summary>
/// Authenticates EKS tokens (what <c>aws eks get-token</c> prints) at a cluster's Kubernetes API, as EKS's authenticator
/// does but without a network call: <c>k8s-aws-v1.</c> + base64url of a presigned STS <c>GetCallerIdentity</c> URL whose
/// signature is verified here against Irsa's own keys, with the header <c>x-k8s-aws-id</c> set to <em>this</em> cluster's
/// name (a token presigned for another cluster fails). The identity then maps to a Kubernetes user through the cluster's
/// access entries (<see cref="AccessEntries"/>); an identity without one is not authenticated (401), as on EKS.
/// </summary>
public sealed partial class EksTokenAuthenticator : IExternalTokenAuthenticator
{
    public const string Prefix = "k8s-aws-v1.";

    /// <summary>aws-iam-authenticator's bound on the whole token.</summary>
    public const int MaxTokenLength = 4096;

    /// <summary>EKS accepts a token for 15 minutes after its <c>X-Amz-Date</c>, whatever its 60 s <c>X-Amz-Expires</c>.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(15);

    private const string ClusterIdHeader = "x-k8s-aws-id";

    private static readonly HashSet<string> AllowedParameters =
    [
        "Action", "Version", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Security-Token",
        "X-Amz-Signature", "X-Amz-SignedHeaders",
    ];

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly SigV4Verifier _verifier;
    private readonly RequestAuthenticator _keys;
    private readonly ServerContext _server;
    private readonly IDocumentStore _store;

    public EksTokenAuthenticator(RequestAuthenticator keys, ServerContext server, IDocumentStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _keys = keys;
        _server = server;
        _store = store;
        _verifier = new SigV4Verifier(time, new SigV4VerifierOptions { PresignedValidity = Validity });
    }

    public bool Claims(string token) => token is not null && token.StartsWith(Prefix, StringComparison.Ordinal);

    public async Task<V1UserInfo?> AuthenticateAsync(IKubernetesCluster cluster, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster is not KubernetesClusterView view)
        {
            return null;
        }

        var identity = await VerifyAsync(view.Record, token, cancellationToken);
        return identity is null ? null : await MapAsync(view.Record, identity, cancellationToken);
    }

    /// <summary>The verified caller and the access key that presigned the token; null when the token is not valid for this cluster.</summary>
    public async Task<EksIdentity?> VerifyAsync(ClusterRecord cluster, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (token is null || token.Length > MaxTokenLength || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var url = DecodeUrl(token.AsSpan(Prefix.Length));
        if (url is null || !TrySplit(url, out var scheme, out var authority, out var path, out var query))
        {
            return null;
        }

        var parameters = ParseQuery(query);
        if (parameters is null
            || Get(parameters, "Action") != "GetCallerIdentity"
            || Get(parameters, "Version") != "2011-06-15"
            || Get(parameters, "X-Amz-Credential") is not { } credential
            || Get(parameters, "X-Amz-SignedHeaders") is not { } signedHeaders
            || !int.TryParse(Get(parameters, "X-Amz-Expires"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var expires)
            || expires > 900)
        {
            return null;
        }

        // Exactly the headers we can reproduce: host and this cluster's name.
        var signed = signedHeaders.Split(';');
        if (!signed.Contains(ClusterIdHeader, StringComparer.Ordinal) || signed.Any(h => h is not ("host" or ClusterIdHeader)))
        {
            return null;
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[3] != "sts" || !IsAllowedEndpoint(scheme, authority, path, scope[2]))
        {
            return null;
        }

        var request = new SigV4Request("GET", path, query,
            [new("host", authority), new(ClusterIdHeader, cluster.Name)], SigV4Payload.FromBytes(ReadOnlyMemory<byte>.Empty));
        var result = await _verifier.VerifyAsync(request, _keys.ResolveKeyAsync, SigV4ErrorDialect.Query, cancellationToken);
        return result.Succeeded && result.Identity!.Principal is CallerIdentity caller
            ? new EksIdentity(caller, result.Identity.Scope.AccessKeyId)
            : null;
    }

    /// <summary>
    /// The Kubernetes user an identity is in this cluster (EKS's mapping): its access entry's username template expanded,
    /// the entry's groups, EKS's uid and extra. In <c>CONFIG_MAP</c> mode only the creator is mapped (as EKS's hidden
    /// bootstrap admin); other identities are not authenticated.
    /// </summary>
    public async Task<V1UserInfo?> MapAsync(ClusterRecord cluster, EksIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(identity);
        var caller = identity.Caller;
        var canonical = AccessEntries.CanonicalArn(caller.PrincipalArn);
        if (canonical is null)
        {
            return null;
        }

        string usernameTemplate;
        List<string> groups;
        if (AccessEntries.Enabled(cluster))
        {
            var entry = await AccessEntries.FindAsync(_store, cluster.Id, canonical, cancellationToken);
            if (entry is null || entry.Type != "STANDARD"
                || (entry.PrincipalId is { } id && caller.PrincipalType == PrincipalType.AssumedRole && id != caller.EntityId))
            {
                return null;
            }

            usernameTemplate = entry.Username;
            groups = [.. entry.KubernetesGroups];
        }
        else if (IsCreator(cluster, canonical))
        {
            usernameTemplate = "kubernetes-admin";
            groups = ["system:masters"];
        }
        else
        {
            return null;
        }

        var sessionName = caller.PrincipalType == PrincipalType.AssumedRole ? caller.PrincipalArn[(caller.PrincipalArn.LastIndexOf('/') + 1)..] : "";
        var userId = caller.PrincipalType == PrincipalType.AssumedRole ? caller.EntityId + ":" + sessionName : caller.EntityId;
        var username = usernameTemplate
            .Replace("{{AccountID}}", caller.AccountId, StringComparison.Ordinal)
            .Replace("{{SessionNameRaw}}", sessionName, StringComparison.Ordinal)
            .Replace("{{SessionName}}", sessionName.Replace('@', '-'), StringComparison.Ordinal)
            .Replace("{{AccessKeyID}}", identity.AccessKeyId, StringComparison.Ordinal);
        groups.Add("system:authenticated");
        return new V1UserInfo
        {
            Username = username,
            Uid = $"aws-iam-authenticator:{caller.AccountId}:{caller.EntityId}",
            Groups = groups,
            Extra = new Dictionary<string, IList<string>>
            {
                ["accessKeyId"] = [identity.AccessKeyId],
                ["arn"] = [caller.PrincipalArn],
                ["canonicalArn"] = [canonical],
                ["principalId"] = [userId],
                ["sessionName"] = [sessionName],
                ["sigs.k8s.io/aws-iam-authenticator/principalId"] = [caller.EntityId],
            },
        };
    }

    /// <summary>Whether the identity created the cluster (the bootstrap admin of a <c>CONFIG_MAP</c> cluster).</summary>
    public static bool IsCreator(ClusterRecord cluster, string canonicalArn) =>
        cluster.BootstrapClusterCreatorArn is { } creator && AccessEntries.CanonicalArn(creator) == canonicalArn;

    /// <summary>
    /// AWS's STS hosts (global or the scope's region, https, path <c>/</c>) or Irsa's own public URL, which is what
    /// <c>aws eks get-token</c> presigns for when its STS endpoint is Irsa (a profile's <c>endpoint_url</c>,
    /// <c>AWS_ENDPOINT_URL_STS</c>). Nothing else: the URL is never fetched, and no other host's token is replayable here.
    /// </summary>
    private bool IsAllowedEndpoint(string scheme, string authority, string path, string region)
    {
        if (scheme == "https" && path == "/"
            && (authority == "sts.amazonaws.com" || (RegionPattern().IsMatch(region) && authority == $"sts.{region}.amazonaws.com")))
        {
            return true;
        }

        var own = new Uri(_server.PublicUrl);
        var ownPath = own.AbsolutePath.TrimEnd('/');
        return scheme == own.Scheme && string.Equals(authority, own.Authority, StringComparison.OrdinalIgnoreCase)
            && (path == ownPath || path == ownPath + "/");
    }

    private static string? DecodeUrl(ReadOnlySpan<char> encoded)
    {
        if (encoded.IsEmpty || encoded.Length > MaxTokenLength || encoded.ContainsAnyExcept(Base64UrlAlphabet) || encoded.Length % 4 == 1)
        {
            return null;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        if (!Base64Url.TryDecodeFromChars(encoded, bytes, out var written))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, written);
        return text.All(c => c is > ' ' and < '\u007F') ? text : null;
    }

    /// <summary>Splits <c>scheme://authority/path?query</c> as sent; no user info, no fragment.</summary>
    private static bool TrySplit(string url, out string scheme, out string authority, out string path, out string query)
    {
        scheme = authority = path = query = "";
        var separator = url.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || url.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        scheme = url[..separator];
        var rest = url[(separator + 3)..];
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return false;
        }

        query = rest[(question + 1)..];
        var hostAndPath = rest[..question];
        var slash = hostAndPath.IndexOf('/', StringComparison.Ordinal);
        authority = slash < 0 ? hostAndPath : hostAndPath[..slash];
        path = slash < 0 ? "/" : hostAndPath[slash..];
        return scheme is "https" or "http" && authority.Length > 0 && !authority.Contains('@', StringComparison.Ordinal);
    }

    /// <summary>The query's parameters, or null when one is unknown, repeated (in any case) or not <c>name=value</c>.</summary>
    private static Dictionary<string, string>? ParseQuery(string query)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query.Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return null;
            }

            var name = Uri.UnescapeDataString(pair[..equals]);
            if (!AllowedParameters.Contains(name) || !parameters.TryAdd(name, Uri.UnescapeDataString(pair[(equals + 1)..])))
            {
                return null;
            }
        }

        return parameters;
    }

    private static string? Get(Dictionary<string, string> parameters, string name) => parameters.TryGetValue(name, out var value) ? value : null;

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]$")]
    private static partial Regex RegionPattern();
}

/// <summary>A verified EKS token: the IAM caller and the access key that presigned it.</summary>
public sealed record EksIdentity(CallerIdentity Caller, string AccessKeyId);
