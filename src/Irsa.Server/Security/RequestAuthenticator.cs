using Irsa.Core.Aws;
using Irsa.Iam;
using Irsa.Iam.Accounts;
using Irsa.SigV4;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Irsa.Server.Security;

/// <summary>
/// SigV4 authentication for every signed call: verifies the signature over the raw request and resolves the access
/// key to a <see cref="CallerIdentity"/> (long-term <c>AKIA</c> keys from IAM, <c>ASIA</c> session keys from STS).
/// </summary>
public sealed class RequestAuthenticator(SigV4Verifier verifier, AccessKeys accessKeys, ISessionCredentialResolver sessions)
{
    /// <summary>Whether the request carries SigV4 at all (header or presigned query).</summary>
    public static bool IsSigned(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("AWS4-", StringComparison.Ordinal)
        || request.Query.ContainsKey("X-Amz-Algorithm")
        || request.Query.ContainsKey("X-Amz-Credential");

    /// <summary>The service name of the (not yet verified) credential scope, used only to route the request.</summary>
    public static string? ScopeService(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var credential = header.StartsWith("AWS4-", StringComparison.Ordinal)
            ? header.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(p => p.StartsWith("Credential=", StringComparison.Ordinal))?["Credential=".Length..]
            : request.Query["X-Amz-Credential"].ToString();
        var parts = credential?.Split('/');
        return parts is { Length: 5 } ? parts[3] : null;
    }

    public async Task<(CallerIdentity? Caller, AwsError? Error)> AuthenticateAsync(HttpContext context, byte[] body, SigV4ErrorDialect dialect)
    {
        var feature = context.Features.GetRequiredFeature<IHttpRequestFeature>();
        var rawTarget = feature.RawTarget;
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var request = new SigV4Request(
            context.Request.Method,
            queryStart < 0 ? rawTarget : rawTarget[..queryStart],
            queryStart < 0 ? "" : rawTarget[(queryStart + 1)..],
            SigV4Request.FlattenHeaders(context.Request.Headers.Select(h => KeyValuePair.Create(h.Key, (IEnumerable<string?>)h.Value))),
            SigV4Payload.FromBytes(body));

        var result = await verifier.VerifyAsync(request, ResolveAsync, dialect, context.RequestAborted);
        if (!result.Succeeded)
        {
            var error = result.Error!;
            return (null, new AwsError(error.Code, error.Message, error.StatusCode));
        }

        return ((CallerIdentity)result.Identity!.Principal!, null);
    }

    private async ValueTask<SigV4KeyResolution> ResolveAsync(SigV4KeyRequest key, CancellationToken cancellationToken)
    {
        if (key.AccessKeyId.StartsWith("ASIA", StringComparison.Ordinal))
        {
            return await sessions.ResolveAsync(key.AccessKeyId, key.SessionToken, cancellationToken);
        }

        var credential = await accessKeys.FindAsync(key.AccessKeyId, cancellationToken);
        return credential is null
            ? SigV4KeyResolution.NotFound()
            : SigV4KeyResolution.Found(credential.SecretAccessKey, principal: credential.ToCallerIdentity());
    }
}

/// <summary>Resolves temporary (<c>ASIA</c>) credentials from their session token; implemented by STS.</summary>
public interface ISessionCredentialResolver
{
    ValueTask<SigV4KeyResolution> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken);
}
