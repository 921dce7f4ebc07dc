using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Irsa.Node.Agent;

/// <summary>
/// The agent's cache, keyed by the token string as the real agent keys it. An entry is served until its renewal time,
/// then renewed on the next request; a renewal that fails with a retryable error keeps serving the old credentials
/// (retried 1–2 minutes later) while they have more than <see cref="PodIdentityAgentOptions.MinimumRemainingLifetime"/>
/// left, and a final error (invalid or expired token, no association, access denied) evicts the entry. Only tokens
/// eks-auth accepted are cached, so forged tokens cannot fill it.
/// </summary>
public sealed class PodCredentialCache(IEksAuthClient eksAuth, PodIdentityAgentOptions options, TimeProvider? time = null)
{
    /// <summary>SDKs refresh container credentials 5 to 15 minutes before they expire: renewal comes before that.</summary>
    private static readonly TimeSpan SdkRefreshWindow = TimeSpan.FromMinutes(15);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<ContainerCredentials>>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The number of cached tokens.</summary>
    public int Count => _entries.Count;

    /// <summary>Credentials for the pod whose token this is, from the cache or from eks-auth.</summary>
    public async Task<ContainerCredentials> GetAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = _time.GetUtcNow();
        _entries.TryGetValue(token, out var entry);
        if (entry is not null && now < entry.RenewAt && Servable(entry.Credentials, now))
        {
            return entry.Credentials;
        }

        try
        {
            var credentials = await FetchOnceAsync(token).WaitAsync(cancellationToken).ConfigureAwait(false);
            Store(token, credentials);
            return credentials;
        }
        catch (EksAuthException e) when (!e.IsFinal && entry is not null && Servable(entry.Credentials, _time.GetUtcNow()))
        {
            // eks-auth is unavailable: keep serving what the pod has, and try again in a minute or two.
            _entries[token] = entry with { RenewAt = _time.GetUtcNow() + TimeSpan.FromSeconds(60 + RandomNumberGenerator.GetInt32(61)) };
            return entry.Credentials;
        }
        catch (EksAuthException e) when (e.IsFinal)
        {
            _entries.TryRemove(token, out _);
            throw;
        }
    }

    /// <summary>One eks-auth call per token at a time: concurrent requests of the same pod share it.</summary>
    private Task<ContainerCredentials> FetchOnceAsync(string token)
    {
        var lazy = _inFlight.GetOrAdd(token, t => new Lazy<Task<ContainerCredentials>>(async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(options.EksAuthTimeout, _time);
                return await eksAuth.AssumeRoleForPodIdentityAsync(t, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e)
            {
                throw new EksAuthException("eks-auth did not answer in time", e);
            }
            finally
            {
                _inFlight.TryRemove(t, out _);
            }
        }));
        return lazy.Value;
    }

    private void Store(string token, ContainerCredentials credentials)
    {
        var now = _time.GetUtcNow();
        var lifetime = credentials.Expiration - now;
        var renewAfter = Min(options.MaxCredentialRetention, lifetime > 2 * SdkRefreshWindow ? lifetime - SdkRefreshWindow : lifetime / 2);
        if (renewAfter <= TimeSpan.Zero)
        {
            _entries.TryRemove(token, out _);
            return;
        }

        if (_entries.Count >= options.MaxCachedTokens && !_entries.ContainsKey(token))
        {
            foreach (var (key, value) in _entries)
            {
                if (!Servable(value.Credentials, now))
                {
                    _entries.TryRemove(key, out _);
                }
            }

            if (_entries.Count >= options.MaxCachedTokens)
            {
                return;
            }
        }

        _entries[token] = new Entry(credentials, now + renewAfter);
    }

    private bool Servable(ContainerCredentials credentials, DateTimeOffset now) => credentials.Expiration - now > options.MinimumRemainingLifetime;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed record Entry(ContainerCredentials Credentials, DateTimeOffset RenewAt);
}
