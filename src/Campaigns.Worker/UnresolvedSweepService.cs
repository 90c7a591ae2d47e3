using Campaigns.Activities;
using Campaigns.Activities.Sweeping;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Campaigns.Worker;

/// <summary>
/// Runs <see cref="UnresolvedSweeper"/> every <c>Campaigns:Sweep:IntervalSeconds</c>. A background service of the
/// worker rather than a workflow: it keeps no state but the store (an attempt found is settled there, one not found
/// stays Unknown), it sends only record searches, and those must come out of this worker's own records budget,
/// which lives in this process. Several workers sweeping at once is safe: the store's moves are compare-and-set.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1812:Avoid uninstantiated internal classes", Justification = "the host makes it: AddHostedService<UnresolvedSweepService>")]
internal sealed partial class UnresolvedSweepService(
    UnresolvedSweeper sweeper, IOptions<CampaignWorkerOptions> options, TimeProvider time, ILogger<UnresolvedSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.Sweep.IntervalSeconds == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(o.Sweep.IntervalSeconds / o.Watch.TimeScale), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await sweeper.SweepOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The store or the vendor is down: the next sweep tries again.
                    LogSweepFailed(e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unresolved sweep failed: {Reason}")]
    private partial void LogSweepFailed(string reason);
}
