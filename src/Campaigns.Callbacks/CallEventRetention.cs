using System.Data.Common;
using Campaigns.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Campaigns.Callbacks;

/// <summary>
/// Keeps the ledger to <see cref="CallbackReceiverOptions.RetentionDays"/>: every ten minutes, deletes older events in
/// batches (a fleet's workers may all do it; a delete is idempotent). At full rate the vendor sends about four
/// callbacks per call, so an unpruned ledger would grow by tens of millions of rows a day.
/// </summary>
internal sealed partial class CallEventRetention(
    CallbackReceiverOptions options, IOutcomeStore store, TimeProvider time, ILogger<CallEventRetention> logger) : BackgroundService
{
    private const int Batch = 5000;
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var before = time.GetUtcNow() - TimeSpan.FromDays(options.RetentionDays);
                long pruned = 0;
                int deleted;
                do
                {
                    deleted = await store.PruneCallEventsAsync(before, Batch, stoppingToken).ConfigureAwait(false);
                    pruned += deleted;
                }
                while (deleted == Batch && !stoppingToken.IsCancellationRequested);

                if (pruned > 0)
                {
                    LogPruned(logger, pruned, options.RetentionDays);
                }
            }
            catch (Exception e) when (e is OutcomeStoreUnavailableException or DbException or TimeoutException)
            {
                LogFailed(logger, e.Message);
            }

            await Task.Delay(Every, time, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Callback ledger: {Count} events older than {Days} days deleted")]
    private static partial void LogPruned(ILogger logger, long count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback ledger: pruning failed, trying again later: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
