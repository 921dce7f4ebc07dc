using Irsa.Core.Aws;
using Irsa.Iam;
using Irsa.Iam.Accounts;
using Irsa.Server.Aws;
using Irsa.SigV4;

namespace Irsa.Server.Security;

/// <summary>
/// SigV4 authentication for every signed call: verifies the signature over the raw request and resolves the access
/// key to a <see cref="CallerIdentity"/> (long-term <c>AKIA</c> keys from IAM, <c>ASIA</c> session keys from STS).
/// </summary>
public sealed class RequestAuthenticator(SigV4Verifier verifier, AccessKeys accessKeys, ISessionCredentialResolver sessions)
{
    /// <summary>
    /// Verifies the request's signature and resolves its access key. The access key id is returned even when
    /// verification fails, for the audit record. A <paramref name="streamedBody"/> is not in hand: the declared payload hash
    /// is trusted here and the handler verifies the body against it while reading (S3).
    /// </summary>
    public async Task<SigV4Authentication> AuthenticateAsync(AwsRequest request, bool streamedBody, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count);
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(AsSent(name, value ?? string.Empty));
            }
        }

        var signed = new SigV4Request(request.Method, request.RawPath, request.RawQuery, headers,
            streamedBody ? SigV4Payload.Deferred() : SigV4Payload.FromBytes(request.Body));
        var result = await verifier.VerifyAsync(signed, ResolveAsync, streamedBody ? SigV4ErrorDialect.S3 : SigV4ErrorDialect.Query, cancellationToken);
        if (!result.Succeeded)
        {
            var error = result.Error!;
            return new SigV4Authentication(null, AccessKeyIdOf(request), new AwsError(error.Code, error.Message, error.StatusCode) { Details = error.Details });
        }

        return new SigV4Authentication((CallerIdentity)result.Identity!.Principal!, result.Identity.Scope.AccessKeyId, null, result.Identity);
    }

    /// <summary>
    /// The header as the client signed it. Kestrel reads header bytes as Latin-1 (so S3 metadata keeps every byte), and the
    /// signer hashed the value's UTF-8 bytes: a non-ASCII value is turned back into the text those bytes spell.
    /// </summary>
    private static KeyValuePair<string, string> AsSent(string name, string value) =>
        value.AsSpan().ContainsAnyExceptInRange('\u0000', '\u007F')
            ? KeyValuePair.Create(name, System.Text.Encoding.UTF8.GetString(System.Text.Encoding.Latin1.GetBytes(value)))
            : KeyValuePair.Create(name, value);

    /// <summary>The (unverified) access key id of the credential, for auditing a failed authentication.</summary>
    private static string? AccessKeyIdOf(AwsRequest request)
    {
        var id = request.Credential?.Split('/')[0];
        // Only something shaped like a key id is recorded: a garbled header must not smuggle arbitrary text into the trail.
        return id is { Length: >= 16 and <= 128 } && id.All(char.IsAsciiLetterOrDigit) ? id : null;
    }

    private ValueTask<SigV4KeyResolution> ResolveAsync(SigV4KeyRequest key, CancellationToken cancellationToken) => ResolveKeyAsync(key, cancellationToken);

    /// <summary>
    /// An access key's secret and caller: <c>AKIA</c> keys from IAM (active ones only), <c>ASIA</c> keys from their sealed
    /// session token. Also what EKS tokens (presigned <c>GetCallerIdentity</c> URLs) are verified against.
    /// </summary>
    public async ValueTask<SigV4KeyResolution> ResolveKeyAsync(SigV4KeyRequest key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
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

/// <summary>The outcome of SigV4 authentication: the caller, or the error; the access key id either way when one was sent.</summary>
public sealed record SigV4Authentication(CallerIdentity? Caller, string? AccessKeyId, AwsError? Error, SigV4Identity? Signature = null);

/// <summary>Resolves temporary (<c>ASIA</c>) credentials from their session token; implemented by STS.</summary>
public interface ISessionCredentialResolver
{
    ValueTask<SigV4KeyResolution> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken);
}
