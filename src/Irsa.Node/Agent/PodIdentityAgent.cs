using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Irsa.Node.Agent;

/// <summary>
/// The EKS Pod Identity agent's <c>/v1/credentials</c>, host-agnostic: checks the <c>Host</c> and the pod's token as the
/// real agent does (same status codes and texts), then answers the cached or freshly issued credentials in AWS's container
/// credentials format. The token is only checked for shape and time here; eks-auth verifies its signature, audience,
/// issuer and pod.
/// </summary>
public sealed class PodIdentityAgent(PodCredentialCache cache, PodIdentityAgentOptions options, TimeProvider? time = null)
{
    public const string CredentialsPath = "/v1/credentials";

    private const string TextPlain = "text/plain; charset=utf-8";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly HashSet<string> _bindHosts = [.. options.BindHosts.Select(Normalize)];

    /// <summary>Answers one request.</summary>
    /// <param name="path">The request path.</param>
    /// <param name="host">The <c>Host</c> header.</param>
    /// <param name="authorization">The <c>Authorization</c> header: the raw token, with no scheme.</param>
    /// <param name="cancellationToken">Aborts the eks-auth call.</param>
    public async Task<AgentResponse> HandleAsync(string path, string? host, string? authorization, CancellationToken cancellationToken)
    {
        if (path != CredentialsPath)
        {
            return Text(404, "404 page not found\n");
        }

        var hostName = HostName(host ?? "");
        if (!_bindHosts.Contains(hostName))
        {
            return Text(403, $"Access Denied. Called agent through invalid address, please use either [{string.Join(' ', options.BindHosts)}] address not {hostName}");
        }

        if (string.IsNullOrEmpty(authorization))
        {
            return Text(400, "Service account token cannot be empty");
        }

        if (CheckClaims(authorization) is { } invalid)
        {
            return Text(400, invalid);
        }

        try
        {
            var credentials = await cache.GetAsync(authorization, cancellationToken).ConfigureAwait(false);
            return new AgentResponse(200, "application/json", credentials.ToJson());
        }
        catch (EksAuthException e)
        {
            return Text(e.StatusCode, e.Message);
        }
    }

    /// <summary>The real agent's basic validation: a parsable JWT whose <c>exp</c> and <c>nbf</c> admit the current time.</summary>
    private string? CheckClaims(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return "Service account token cannot be parsed: token contains an invalid number of segments";
        }

        JsonElement claims;
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            claims = document.RootElement.Clone();
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return "Service account token cannot be parsed: token is malformed: could not base64 decode or JSON parse the claims";
        }

        if (claims.ValueKind != JsonValueKind.Object)
        {
            return "Service account token cannot be parsed: token is malformed: the claims are not a JSON object";
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (claims.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number && exp.GetDouble() <= now)
        {
            return "Service account token failed basic claim validations: token has invalid claims: token is expired";
        }

        if (claims.TryGetProperty("nbf", out var nbf) && nbf.ValueKind == JsonValueKind.Number && nbf.GetDouble() > now)
        {
            return "Service account token failed basic claim validations: token has invalid claims: token is not valid yet";
        }

        return null;
    }

    /// <summary>The host without port and IPv6 brackets, in canonical form when it is an address.</summary>
    private static string HostName(string host)
    {
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']', StringComparison.Ordinal);
            return Normalize(end > 0 ? host[1..end] : host);
        }

        var colon = host.LastIndexOf(':');
        return Normalize(colon >= 0 && host.IndexOf(':', StringComparison.Ordinal) == colon ? host[..colon] : host);
    }

    private static string Normalize(string host) => IPAddress.TryParse(host, out var address) ? address.ToString() : host.ToLowerInvariant();

    private static AgentResponse Text(int status, string body) => new(status, TextPlain, Encoding.UTF8.GetBytes(body));
}

/// <summary>What the host writes back: status, Content-Type and body.</summary>
public sealed record AgentResponse(int StatusCode, string ContentType, byte[] Body);
