using Irsa.Audit.Journal;
using Irsa.Server.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Irsa.Server.Audit;

/// <summary>Prunes the trail hourly: records, log files and digests older than the retention window go, so the store's growth is bounded.</summary>
internal sealed class AuditRetentionService(IServiceProvider services, TimeProvider time, ILogger<AuditRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<AuditTrail>() is not { } trail)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            await PruneAsync(trail, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task PruneAsync(AuditTrail trail, CancellationToken stoppingToken)
    {
        try
        {
            var pruned = await trail.PruneAsync(stoppingToken);
            if (pruned.Records + pruned.LogFiles + pruned.Digests > 0)
            {
                AuditLog.Pruned(logger, pruned.Records, pruned.LogFiles, pruned.Digests);
            }
            else
            {
                AuditLog.NothingToPrune(logger);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A failed pass (a locked file, a full disk) must not stop the hourly pruning for the life of the process.
            AuditLog.PruneFailed(logger, exception);
        }
    }
}
