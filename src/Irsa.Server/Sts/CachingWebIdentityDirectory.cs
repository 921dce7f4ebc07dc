using System.Collections.Concurrent;
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
/// created a moment ago works at once. <c>RoleLastUsed</c> is recorded in the background every few seconds (AWS
/// reports it hours late) instead of costing a write transaction per call.
/// </remarks>
public sealed class CachingWebIdentityDirectory : IWebIdentityDirectory, IAsyncDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);

    private readonly IWebIdentityDirectory _inner;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (RoleInfo Role, long At)> _roles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), (OpenIdConnectProviderInfo Provider, long At)> _providers = new();
    private readonly ConcurrentDictionary<string, string> _usedRoles = new(StringComparer.Ordinal);
    private readonly ITimer _flushTimer;

    public CachingWebIdentityDirectory(IWebIdentityDirectory inner, TimeProvider time)
    {
        _inner = inner;
        _time = time;
        _flushTimer = time.CreateTimer(_ => _ = FlushAsync(), null, FlushInterval, FlushInterval);
    }

    public async Task<RoleInfo?> GetRoleAsync(string roleArn, CancellationToken cancellationToken)
    {
        if (_roles.TryGetValue(roleArn, out var cached) && _time.GetElapsedTime(cached.At) < Lifetime)
        {
            return cached.Role;
        }

        var role = await _inner.GetRoleAsync(roleArn, cancellationToken);
        if (role is null)
        {
            _roles.TryRemove(roleArn, out _);
        }
        else
        {
            _roles[roleArn] = (role, _time.GetTimestamp());
        }

        return role;
    }

    public async Task<OpenIdConnectProviderInfo?> GetProviderAsync(string accountId, string issuer, CancellationToken cancellationToken)
    {
        var key = (accountId, issuer);
        if (_providers.TryGetValue(key, out var cached) && _time.GetElapsedTime(cached.At) < Lifetime)
        {
            return cached.Provider;
        }

        var provider = await _inner.GetProviderAsync(accountId, issuer, cancellationToken);
        if (provider is null)
        {
            _providers.TryRemove(key, out _);
        }
        else
        {
            _providers[key] = (provider, _time.GetTimestamp());
        }

        return provider;
    }

    public Task<PolicyEntry?> GetManagedPolicyAsync(string accountId, string policyArn, CancellationToken cancellationToken) =>
        _inner.GetManagedPolicyAsync(accountId, policyArn, cancellationToken);

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
