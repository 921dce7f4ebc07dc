using Irsa.Core.Caching;
using Irsa.Server.Security;
using Irsa.SigV4;
using Irsa.Sts;
using Irsa.Sts.Sessions;

namespace Irsa.Server.Sts;

/// <summary>
/// Resolves <c>ASIA</c> keys by opening their sealed session token: no database read, so any Irsa node can verify
/// a request signed with session credentials. A key ring rotated by another node is picked up on the next miss.
/// </summary>
/// <remarks>
/// A workload signs many calls with the same credentials, and opening a token (AES-GCM, JSON, key derivation) was a
/// quarter of a signed call's cost; successful opens are therefore kept for a minute, keyed by the exact key id and
/// token. Expiry is still checked on every call; the minute bounds how long a token sealed under a key pruned from
/// the ring keeps working on this node.
/// </remarks>
public sealed class SessionCredentialResolver(StsApi api, SessionKeyStore keys, TimeProvider time) : ISessionCredentialResolver
{
    private readonly BoundedCache<string, SessionOpenResult> _opened = new(4096, TimeSpan.FromMinutes(1), time);

    public async ValueTask<SigV4KeyResolution> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cacheKey = accessKeyId + "\n" + sessionToken;
        if (!_opened.TryGetValue(cacheKey, out var opened))
        {
            opened = api.OpenSession(accessKeyId, sessionToken, now);
            if (!opened.IsValid && !opened.IsExpired && await keys.RefreshAsync(api, cancellationToken))
            {
                opened = api.OpenSession(accessKeyId, sessionToken, now);
            }

            if (opened.IsValid)
            {
                _opened.Set(cacheKey, opened);
            }
        }

        if (opened.IsExpired || (opened.IsValid && now >= opened.Session!.Expiration))
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
