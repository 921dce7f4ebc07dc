using Irsa.Audit.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Irsa.Server.Audit;

/// <summary>Prunes the trail hourly: records, log files and digests older than the retention window go, so the store's growth is bounded.</summary>
internal sealed class AuditRetentionService(IServiceProvider services, TimeProvider time) : BackgroundService
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
            await trail.PruneAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
