using System.Collections.Concurrent;
using Irsa.Core.Caching;
using Irsa.Iam;
using Irsa.Iam.Authorization;
using Irsa.Iam.OpenIdConnectProviders;
using Irsa.Iam.Queries;
using Irsa.Policy;
using Irsa.Sts.WebIdentity;

namespace Irsa.Server.Sts;

/// <summary>
/// The IAM state STS reads on every <c>AssumeRoleWithWebIdentity</c>, cached briefly, with role-use records coalesced.
/// </summary>
/// <remarks>
/// Roles and providers found are kept for <see cref="Lifetime"/> (1 s): a trust-policy change or a deletion reaches
/// STS within a second, as IAM changes reach AWS STS within seconds; absent entries are never cached, so a role
/// created a moment ago works at once. Both caches are bounded (<see cref="Capacity"/>, least recently used out) and
/// keyed by the canonical form the lookup itself uses, so the spellings of one issuer (trailing slashes, host case)
/// in unsigned tokens share one entry instead of growing memory. <c>RoleLastUsed</c> is recorded in the background every few seconds (AWS
/// reports it hours late) instead of costing a write transaction per call.
/// </remarks>
public sealed class CachingWebIdentityDirectory : IWebIdentityDirectory, IAsyncDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    /// <summary>Most roles (and, separately, providers) held: far above the working set of a real deployment.</summary>
    public const int Capacity = 4096;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);

    private readonly IWebIdentityDirectory _inner;
    private readonly TimeProvider _time;
    private readonly BoundedCache<string, RoleInfo> _roles;
    private readonly BoundedCache<(string Account, string Scheme, string Url), OpenIdConnectProviderInfo> _providers;
    private readonly ConcurrentDictionary<string, string> _usedRoles = new(StringComparer.Ordinal);
    private readonly ITimer _flushTimer;

    public CachingWebIdentityDirectory(IWebIdentityDirectory inner, TimeProvider time)
    {
        _inner = inner;
        _time = time;
        _roles = new BoundedCache<string, RoleInfo>(Capacity, Lifetime, time, StringComparer.Ordinal);
        _providers = new BoundedCache<(string, string, string), OpenIdConnectProviderInfo>(Capacity, Lifetime, time);
        _flushTimer = time.CreateTimer(_ => _ = FlushAsync(), null, FlushInterval, FlushInterval);
    }

    public async Task<RoleInfo?> GetRoleAsync(string roleArn, CancellationToken cancellationToken)
    {
        // The inner lookup answers only the exact ARN, so the ARN is already its canonical form.
        if (_roles.TryGetValue(roleArn, out var cached))
        {
            return cached;
        }

        var role = await _inner.GetRoleAsync(roleArn, cancellationToken);
        if (role is null)
        {
            _roles.Remove(roleArn);
        }
        else
        {
            _roles.Set(roleArn, role);
        }

        return role;
    }

    public async Task<OpenIdConnectProviderInfo?> GetProviderAsync(string accountId, string issuer, CancellationToken cancellationToken)
    {
        if (ProviderKey(accountId, issuer) is not { } key)
        {
            // Not a provider URL at all: the lookup finds nothing without touching the store, and nothing is cached.
            return await _inner.GetProviderAsync(accountId, issuer, cancellationToken);
        }

        if (_providers.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var provider = await _inner.GetProviderAsync(accountId, issuer, cancellationToken);
        if (provider is null)
        {
            _providers.Remove(key);
        }
        else
        {
            _providers.Set(key, provider);
        }

        return provider;
    }

    /// <summary>
    /// The issuer as the lookup reads it: the normalised URL (host case and trailing slashes folded) plus the scheme
    /// it must match when the issuer names one.
    /// </summary>
    private static (string Account, string Scheme, string Url)? ProviderKey(string accountId, string issuer)
    {
        if (OpenIdConnectProviderUrl.TryNormalize(issuer) is not { } url)
        {
            return null;
        }

        var schemeEnd = issuer.IndexOf("://", StringComparison.Ordinal);
        return (accountId, schemeEnd < 0 ? "" : issuer[..schemeEnd].ToLowerInvariant(), url);
    }

    public Task<PolicyEntry?> GetManagedPolicyAsync(string accountId, string policyArn, CancellationToken cancellationToken) =>
        _inner.GetManagedPolicyAsync(accountId, policyArn, cancellationToken);

    /// <summary>Not cached: the principal resolver already keeps compiled policies and reads the current documents.</summary>
    public Task<ResolvedPrincipal?> GetPrincipalAsync(CallerIdentity caller, CancellationToken cancellationToken) =>
        _inner.GetPrincipalAsync(caller, cancellationToken);

    public Task RecordRoleUsedAsync(string roleArn, string region, CancellationToken cancellationToken)
    {
        _usedRoles[roleArn] = region;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _flushTimer.DisposeAsync();
        await FlushAsync();
    }

    private async Task FlushAsync()
    {
        foreach (var roleArn in _usedRoles.Keys)
        {
            if (_usedRoles.TryRemove(roleArn, out var region))
            {
                try
                {
                    await _inner.RecordRoleUsedAsync(roleArn, region, CancellationToken.None);
                }
                catch (Storage.ConcurrencyConflictException)
                {
                    // Another node recorded a use at the same moment; theirs is as good as ours.
                }
            }
        }
    }
}
