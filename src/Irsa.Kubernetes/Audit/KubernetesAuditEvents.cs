using System.Buffers;
using System.Net;
using System.Text.Json;
using Irsa.Core.Security;

namespace Irsa.Kubernetes;

/// <summary>Builds the audit event of one request from what the pipeline learned about it, as kube-apiserver's audit filters do.</summary>
internal static class KubernetesAuditEvents
{
    /// <summary>Links a TokenRequest's event to the later requests made with the token (their <c>user.extra</c> credential id).</summary>
    public const string IssuedCredentialIdAnnotation = "authentication.kubernetes.io/issued-credential-id";

    /// <summary>kube-apiserver's credential id of a service account token: <c>JTI=&lt;jti&gt;</c>.</summary>
    public static string CredentialId(string tokenId) => "JTI=" + tokenId;

    private const int MaxAuditIdLength = 255;

    private static readonly SearchValues<char> AuditIdCharacters =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-");

    /// <summary>The client's <c>Audit-ID</c> when it is one kube-apiserver accepts, else a new UUID.</summary>
    public static string AuditId(string? header) =>
        header is { Length: > 0 and <= MaxAuditIdLength } && !header.AsSpan().ContainsAnyExcept(AuditIdCharacters)
            ? header
            : Uuid.NewVersion4().ToString();

    /// <summary>The event, or null when the policy's level for this request is None.</summary>
    public static KubernetesAuditEvent? Create(KubernetesExchange exchange, KubernetesReply reply, KubernetesAuditOptions options, DateTimeOffset now)
    {
        var route = exchange.Route;
        var resource = route is { IsDiscovery: false } ? route : null;
        var level = resource is null ? options.Level : options.LevelFor(resource.Group, resource.Resource, resource.Subresource);
        if (level == KubernetesAuditLevel.None)
        {
            return null;
        }

        var input = exchange.Input;
        return new KubernetesAuditEvent
        {
            Level = level,
            AuditId = exchange.AuditId,
            RequestUri = input.RequestUri,
            Verb = resource?.Verb ?? input.Method.ToLowerInvariant(),
            User = exchange.User is { } user ? new KubernetesAuditUser(user.Username, user.Uid, user.Groups?.ToList(), user.Extra?.AsReadOnly()) : new KubernetesAuditUser(),
            SourceIps = SourceIps(input),
            UserAgent = input.UserAgent,
            ObjectRef = resource is null ? null : ObjectRef(resource, exchange),
            ResponseCode = reply.StatusCode,
            ResponseFailure = reply.Failure,
            RequestObject = resource is not null && level >= KubernetesAuditLevel.Request ? JsonOrNull(exchange.RequestBody) : null,
            ResponseObject = resource is not null && level >= KubernetesAuditLevel.RequestResponse ? JsonOrNull(reply.Body) : null,
            RequestReceivedTimestamp = exchange.ReceivedAt,
            StageTimestamp = now,
            Annotations = new Dictionary<string, string>(exchange.Annotations, StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// The route, completed by the decoded request object's metadata where the path says nothing (a created object's
    /// name), as kube-apiserver's <c>LogRequestObject</c> does.
    /// </summary>
    private static KubernetesAuditObjectRef ObjectRef(KubernetesRoute route, KubernetesExchange exchange)
    {
        var identity = exchange.RequestObject;
        return new KubernetesAuditObjectRef(
            route.Resource,
            Namespace: route.Namespace.Length > 0 ? route.Namespace : identity?.Namespace,
            Name: route.Name.Length > 0 ? route.Name : identity?.Name,
            Uid: identity?.Uid,
            ApiGroup: route.Group,
            ApiVersion: "v1",
            ResourceVersion: identity?.ResourceVersion,
            Subresource: route.Subresource);
    }

    /// <summary>X-Forwarded-For, then X-Real-Ip if not already listed, then the peer unless it is the last one listed.</summary>
    private static List<string> SourceIps(KubernetesHttpRequest input)
    {
        List<string> addresses = [];
        foreach (var entry in (input.Header("X-Forwarded-For") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Normalize(entry) is { } address)
            {
                addresses.Add(address);
            }
        }

        if (Normalize(input.Header("X-Real-Ip")) is { } realIp && !addresses.Contains(realIp))
        {
            addresses.Add(realIp);
        }

        if (Normalize(input.RemoteAddress) is { } peer && (addresses.Count == 0 || addresses[^1] != peer))
        {
            addresses.Add(peer);
        }

        return addresses;
    }

    /// <summary>An address as Go prints a <c>net.IP</c> (IPv4-mapped IPv6 as IPv4); null when it is not an address.</summary>
    private static string? Normalize(string? text)
    {
        if (!IPAddress.TryParse(text?.Trim(), out var address))
        {
            return null;
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    private static ReadOnlyMemory<byte>? JsonOrNull(byte[]? body)
    {
        if (body is not { Length: > 0 })
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return body;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
