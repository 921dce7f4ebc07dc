using Irsa.Server.Security;
using Irsa.SigV4;
using Irsa.Sts;

namespace Irsa.Server.Sts;

/// <summary>
/// Resolves <c>ASIA</c> keys by opening their sealed session token: no database read, so any Irsa node can verify
/// a request signed with session credentials. A key ring rotated by another node is picked up on the next miss.
/// </summary>
public sealed class SessionCredentialResolver(StsApi api, SessionKeyStore keys, TimeProvider time) : ISessionCredentialResolver
{
    public async ValueTask<SigV4KeyResolution> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken)
    {
        var opened = api.OpenSession(accessKeyId, sessionToken, time.GetUtcNow());
        if (!opened.IsValid && !opened.IsExpired && await keys.RefreshAsync(api, cancellationToken))
        {
            opened = api.OpenSession(accessKeyId, sessionToken, time.GetUtcNow());
        }

        if (opened.IsExpired)
        {
            return SigV4KeyResolution.Expired();
        }

        if (!opened.IsValid)
        {
            return SigV4KeyResolution.InvalidToken();
        }

        var caller = await api.CreateCallerAsync(opened.Session!, cancellationToken);
        return SigV4KeyResolution.Found(opened.SecretAccessKey!, sessionToken, caller);
    }
}
