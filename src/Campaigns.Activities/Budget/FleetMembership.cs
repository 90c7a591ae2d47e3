using Campaigns.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Budget;

/// <summary>
/// Keeps this worker in the fleet registry when the fleet size is automatic (no <c>Campaigns:Budget:Workers</c>):
/// joins under a random instance id, heartbeats every <c>Campaigns:Budget:HeartbeatSeconds</c>, applies its share
/// (<see cref="FleetShare"/>) to the budget's gates after every answer and then acknowledges the version it
/// applied, and leaves on graceful shutdown once its last request has left the 1-second window.
/// </summary>
public sealed partial class FleetMembership : BackgroundService
{
    private readonly ApiBudget budget;
    private readonly IServiceProvider services;
    private readonly BudgetOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<FleetMembership> logger;
    private readonly FleetShare share;
    private IFleetRegistry? registry;

    /// <summary>Creates the service; it does nothing when the fleet size is fixed.</summary>
    public FleetMembership(ApiBudget budget, IServiceProvider services, IOptions<CampaignWorkerOptions> options, TimeProvider time, ILogger<FleetMembership> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.budget = budget;
        this.services = services;
        this.options = options.Value.Budget;
        this.time = time;
        this.logger = logger;
        share = new FleetShare(Guid.NewGuid().ToString("N"), this.options.Expiry);
    }

    /// <summary>This worker's instance id in the registry.</summary>
    public string MemberId => share.MemberId;

    /// <summary>The live members this worker divides the budget by (0 while closed).</summary>
    public int Members => share.Gates.Members;

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (registry is null || !share.Registered)
        {
            return;
        }

        // Close, wait until the last request has left every window the others could grow into, then go.
        budget.ApplyShare(FleetGates.Closed);
        share.Lost();
        try
        {
            if (budget.LastPassed is { } last && last + SlidingWindowGate.Window - time.GetUtcNow() is { Ticks: > 0 } quiet)
            {
                await Task.Delay(quiet, time, cancellationToken).ConfigureAwait(false);
            }

            await registry.LeaveAsync(share.MemberId, cancellationToken).ConfigureAwait(false);
            LogLeft(share.MemberId);
        }
        catch (Exception e) when (e is OperationCanceledException or OutcomeStoreUnavailableException or InvalidOperationException)
        {
            LogLeaveFailed(share.MemberId, options.ExpirySeconds, e.Message);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!budget.Automatic)
        {
            return;
        }

        registry = services.GetService<IFleetRegistry>() ?? throw new InvalidOperationException(
            "Campaigns:Budget:Workers is not set (automatic fleet size) but no fleet registry is registered (AddOutcomeStore)");
        long acknowledged = 0;
        var members = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var again = false;
            try
            {
                // A heartbeat that takes longer than the expiry is pointless: the gates have closed by then.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(options.Expiry);
                var sentAt = time.GetUtcNow();
                if (share.Registered)
                {
                    var view = await registry.HeartbeatAsync(share.MemberId, share.Applied, options.Expiry, timeout.Token).ConfigureAwait(false);
                    acknowledged = Math.Max(acknowledged, share.Applied);
                    share.Observed(view, sentAt, time.GetUtcNow());
                    if (!share.Registered)
                    {
                        LogExpired(share.MemberId);
                        again = true; // join again at once
                    }
                }
                else
                {
                    var view = await registry.JoinAsync(share.MemberId, options.Expiry, timeout.Token).ConfigureAwait(false);
                    share.Joined(view, sentAt, time.GetUtcNow());
                    acknowledged = share.Version;
                    LogJoined(share.MemberId, share.Version, view.Members.Count);
                }

                budget.ApplyShare(share.Gates);

                // The gates now hold the share for what was seen: say so at once, a newcomer waits for it.
                again |= share.Registered && share.Applied > acknowledged;
                if (share.Gates.Members != members)
                {
                    members = share.Gates.Members;
                    var gates = share.Gates;
                    LogShare(share.MemberId, members, gates.OpenFrom);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is OperationCanceledException or OutcomeStoreUnavailableException or InvalidOperationException or System.Data.Common.DbException)
            {
                // The gates close by themselves when the registration may have expired (FleetGates.OpenUntil).
                LogHeartbeatFailed(share.MemberId, e.Message);
            }

            if (!again)
            {
                try
                {
                    await Task.Delay(options.Heartbeat, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet member {MemberId} joined as version {Version} ({Members} live members)")]
    private partial void LogJoined(string memberId, long version, int members);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet member {MemberId}: budget shared by {Members} live members from {OpenFrom:O} (0: closed)")]
    private partial void LogShare(string memberId, int members, DateTimeOffset openFrom);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId} had expired (no heartbeat in time): its gates were closed; joining again")]
    private partial void LogExpired(string memberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId}: heartbeat failed ({Reason}); the gates close if the registration may expire")]
    private partial void LogHeartbeatFailed(string memberId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet member {MemberId} left")]
    private partial void LogLeft(string memberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId} could not leave ({Reason}); its row expires within {ExpirySeconds} s")]
    private partial void LogLeaveFailed(string memberId, double expirySeconds, string reason);
}
