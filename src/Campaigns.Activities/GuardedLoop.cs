using Campaigns.TencentCall.Http;
using Microsoft.Extensions.Logging;

namespace Campaigns.Activities;

/// <summary>
/// Runs one of the worker's long-lived loops (the call watcher's pump, the fleet membership) so that it never
/// dies silently: whatever escapes the body is logged (redacted) and counted (<c>campaigns.loops.restarts</c>),
/// and the body runs again after a back-off that doubles while it keeps failing at once. Only the stopping
/// token ends it; a body that returns on its own ends it too.
/// </summary>
public static partial class GuardedLoop
{
    /// <summary>The first back-off after a failure.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest back-off; a body that ran at least this long before failing starts again from the first.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="body"/> as the loop named <paramref name="name"/> (a metric tag: a fixed name) until <paramref name="stopping"/>.</summary>
    public static async Task RunAsync(string name, Func<CancellationToken, Task> body, ILogger logger, TimeProvider time, CancellationToken stopping)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        var backoff = FirstBackoff;
        while (!stopping.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            try
            {
                await body(stopping).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException) when (stopping.IsCancellationRequested)
            {
                return; // the owner was disposed while stopping
            }
#pragma warning disable CA1031 // a guarded loop restarts after any failure, with backoff
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (time.GetUtcNow() - started >= MaxBackoff)
                {
                    backoff = FirstBackoff;
                }

                CampaignMetrics.LoopRestarted(name);
                LogRestarting(logger, name, backoff.TotalMilliseconds, Redaction.Redact(e.ToString()));
            }

            try
            {
                await Task.Delay(backoff, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Loop {Loop} failed; restarting it in {BackoffMs} ms: {Error}")]
    private static partial void LogRestarting(ILogger logger, string loop, double backoffMs, string error);
}
