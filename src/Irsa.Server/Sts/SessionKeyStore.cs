using System.Text.Json;
using Irsa.Core.Security;
using Irsa.Server.Telemetry;
using Irsa.Storage;
using Irsa.Sts;
using Irsa.Sts.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Irsa.Server.Sts;

/// <summary>
/// Persists the session-token key ring, encrypted under the master key, shared by every node of a deployment.
/// The ring rotates daily; old keys stay until every session they sealed has expired (12 h at most).
/// </summary>
public sealed class SessionKeyStore(IDocumentStore store, SecretProtector protector, TimeProvider time, ILogger<SessionKeyStore>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<SessionKeyStore>.Instance;
    private const string Collection = "sts";
    private const string Key = "session-key-ring";
    private const string Purpose = "sts/session-key-ring";
    private static readonly TimeSpan RotationInterval = TimeSpan.FromDays(1);
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);
    private long _lastRefreshTicks;

    /// <summary>
    /// Loads the ring (creating it on first start), rotates it when its newest key is a day old and prunes keys whose
    /// sessions have all expired. Runs at start and then hourly (<see cref="SessionKeyRotationService"/>).
    /// </summary>
    public async Task<SessionKeyRing> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var (ring, created, rotated, pruned) = await store.TransactAsync(async session =>
        {
            var now = time.GetUtcNow();
            var existing = await session.GetAsync(Collection, Key);
            var ring = existing is null ? SessionKeyRing.Generate(now) : Decode(existing.Json);
            var rotated = existing is not null && ring.ToState().Keys.Max(k => k.CreatedAt) + RotationInterval <= now;
            if (rotated)
            {
                ring = ring.Rotate(now);
            }

            var before = ring.Count;
            ring = ring.Prune(now);

            await session.PutAsync(Collection, Key, Encode(ring), existing?.Version ?? 0);
            return (ring, existing is null, rotated, before - ring.Count);
        }, cancellationToken);

        // Logged after the commit: a transaction that runs again must not log twice.
        if (created)
        {
            StsLog.SessionKeyRingCreated(_logger);
        }

        if (rotated)
        {
            var newest = ring.ToState().Keys.Max(k => k.CreatedAt);
            StsLog.SessionKeyRingRotated(_logger, ring.Count, newest);
        }

        if (pruned > 0)
        {
            StsLog.SessionKeyRingPruned(_logger, pruned);
        }

        return ring;
    }

    /// <summary>Reloads the ring if another node may have rotated it; rate-limited. Returns whether a reload happened.</summary>
    public async Task<bool> RefreshAsync(StsApi api, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastRefreshTicks);
        if (last != 0 && time.GetElapsedTime(last, now) < RefreshInterval || Interlocked.CompareExchange(ref _lastRefreshTicks, now, last) != last)
        {
            return false;
        }

        var document = await store.GetAsync(Collection, Key, cancellationToken);
        if (document is null)
        {
            return false;
        }

        api.Sessions.ReplaceKeyRing(Decode(document.Json));
        StsLog.SessionKeyRingReloaded(_logger);
        return true;
    }

    private string Encode(SessionKeyRing ring) =>
        JsonSerializer.Serialize(protector.ProtectString(JsonSerializer.Serialize(ring.ToState()), Purpose));

    private SessionKeyRing Decode(string json) =>
        SessionKeyRing.FromState(JsonSerializer.Deserialize<SessionKeyRingState>(protector.UnprotectString(JsonSerializer.Deserialize<string>(json)!, Purpose))!);
}

/// <summary>
/// Rotates and prunes the session key ring of a long-running server: every <see cref="CheckInterval"/> the stored ring
/// is rotated when its newest key is a day old, pruned of keys older than the longest session, and installed in STS.
/// </summary>
public sealed class SessionKeyRotationService(SessionKeyStore keys, StsApi api, TimeProvider time, ILogger<SessionKeyRotationService>? logger = null)
    : BackgroundService
{
    /// <summary>How often the ring is checked: a key serves at most a day and an hour.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    api.Sessions.ReplaceKeyRing(await keys.LoadOrCreateAsync(stoppingToken));
                }
                catch (ConcurrencyConflictException)
                {
                    // Another node rotated at the same moment; its ring is loaded on the next tick (or on demand).
                    StsLog.SessionKeyRotationConflict(logger ?? NullLogger<SessionKeyRotationService>.Instance);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
