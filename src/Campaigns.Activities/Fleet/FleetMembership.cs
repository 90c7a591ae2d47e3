using Campaigns.Activities.Budget;
using Campaigns.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Fleet;

/// <summary>
/// Keeps this worker in the fleet registry when the fleet size is automatic (no <c>Campaigns:Budget:Workers</c>):
/// takes an instance slot of this host (<see cref="FleetInstanceSlot"/>) and joins under a fresh member id,
/// reclaiming the row of a predecessor that died holding the slot; heartbeats every
/// <c>Campaigns:Budget:HeartbeatSeconds</c>, applies its share (<see cref="FleetShare"/>) to the budget's gates
/// after every answer and then acknowledges the version it applied, and leaves on graceful shutdown once its last
/// request has left the 1-second window. The loop is a <see cref="GuardedLoop"/> (<c>fleet_membership</c>).
/// </summary>
public sealed partial class FleetMembership : BackgroundService, IHostedLifecycleService
{
    /// <summary>The loop's name in logs and in <c>campaigns.loops.restarts</c>.</summary>
    internal const string LoopName = "fleet_membership";

    private readonly ApiBudget budget;
    private readonly IServiceProvider services;
    private readonly BudgetOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<FleetMembership> logger;
    private readonly FleetShare share;
    private readonly InFlightActivities inFlight;
    private IFleetRegistry? registry;
    private FleetInstanceSlot? slot;
    private IReadOnlyCollection<string> reclaimable = [];
    private IReadOnlyList<byte[]> orphans = [];
    private bool slotTried;
    private bool openingUnwritten;
    private long acknowledged;
    private int members;

    /// <summary>Creates the service; it does nothing when the fleet size is fixed.</summary>
    public FleetMembership(
        ApiBudget budget, InFlightActivities inFlight, IServiceProvider services, IOptions<CampaignWorkerOptions> options, TimeProvider time, ILogger<FleetMembership> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.budget = budget;
        this.inFlight = inFlight;
        this.services = services;
        this.options = options.Value.Budget;
        this.time = time;
        this.logger = logger;
        share = new FleetShare($"{Environment.MachineName}/{Guid.NewGuid():N}", this.options.Expiry);
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
            slot?.Dispose();
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
        finally
        {
            // Closed for good: whoever takes the slot next may reclaim a row left behind.
            slot?.Dispose();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        slot?.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Takes the instance slot before any hosted service starts (the store's migration, the Temporal worker's
    /// connection): the quiet a reclaimed row waits for counts from the slot's taking, so it runs alongside them.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (budget.Automatic)
        {
            registry = RegistryOf(services);
            TakeSlot(registry);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!budget.Automatic)
        {
            return;
        }

        registry ??= RegistryOf(services);
        TakeSlot(registry); // taken in StartingAsync already, unless the host calls no lifecycle hooks
        var failing = FailOrphansAsync(orphans, stoppingToken);
        await GuardedLoop.RunAsync(LoopName, ct => RunAsync(registry, ct), logger, time, stoppingToken).ConfigureAwait(false);
        await failing.ConfigureAwait(false);
    }

    // The predecessors' activity attempts (the slot proves them dead): failed now rather than left to Temporal's
    // heartbeat timeout, so their batches are retried at once. A few tries each; what stays unfailed stays in the
    // slot's file for the next holder, and times out in Temporal as it would have anyway.
    private async Task FailOrphansAsync(IReadOnlyList<byte[]> orphans, CancellationToken stoppingToken)
    {
        if (orphans.Count == 0 || services.GetService<IActivityTaskFailer>() is not { } failer)
        {
            return;
        }

        await Task.Yield();
        var pending = orphans.ToList();
        var failed = 0;
        for (var round = 0; round < 3 && pending.Count > 0 && !stoppingToken.IsCancellationRequested; round++)
        {
            if (round > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(round), time, stoppingToken).ConfigureAwait(false);
            }

            var outcomes = await Task.WhenAll(pending.Select(async token =>
            {
                try
                {
                    return (Token: token, Done: await failer.FailAsync(token, stoppingToken).ConfigureAwait(false));
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogOrphanFailFailed(share.MemberId, e.Message);
                    return (Token: token, Done: false);
                }
            })).ConfigureAwait(false);
            foreach (var (token, done) in outcomes.Where(o => o.Done))
            {
                inFlight.Settled(token);
                failed++;
            }

            pending = [.. outcomes.Where(o => !o.Done).Select(o => o.Token)];
        }

        LogOrphansFailed(share.MemberId, failed, pending.Count);
    }

    private static IFleetRegistry RegistryOf(IServiceProvider services) => services.GetService<IFleetRegistry>() ?? throw new InvalidOperationException(
        "Campaigns:Budget:Workers is not set (automatic fleet size) but no fleet registry is registered (AddOutcomeStore)");

    private void TakeSlot(IFleetRegistry fleet)
    {
        if (slotTried || string.IsNullOrWhiteSpace(options.InstanceDirectory))
        {
            return;
        }

        slotTried = true;
        var directory = FleetInstanceSlot.DirectoryOf(options.InstanceDirectory, fleet.Name);
        slot = FleetInstanceSlot.TryTake(directory, share.MemberId, time, out var problem);
        if (slot is null)
        {
            LogNoSlot(share.MemberId, problem ?? string.Empty);
            return;
        }

        reclaimable = slot.Predecessors;
        orphans = inFlight.Attach(slot.TasksFile);
    }

    // The gates for what was seen. Before they may first open, the slot's file says so (a successor that finds it
    // waits a quiet after this worker's death; one that does not knows this worker sent nothing): when that cannot
    // be written, they stay closed, and it is tried again with the next answer.
    private FleetGates GatesToApply()
    {
        var gates = share.Gates;
        if (slot is null || gates.Members < 1)
        {
            return gates;
        }

        if (slot.Opening(gates.OpenFrom))
        {
            openingUnwritten = false;
            return gates;
        }

        if (!openingUnwritten)
        {
            openingUnwritten = true;
            LogOpeningUnwritten(share.MemberId, slot.Slot);
        }

        return FleetGates.Closed;
    }

    private async Task RunAsync(IFleetRegistry fleet, CancellationToken stoppingToken)
    {
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
                    var view = await fleet.HeartbeatAsync(share.MemberId, share.Applied, options.Expiry, timeout.Token).ConfigureAwait(false);
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
                    // A predecessor that died holding this slot sent its last request before the slot was taken.
                    var view = await fleet.JoinAsync(share.MemberId, options.Expiry, reclaimable, timeout.Token).ConfigureAwait(false);
                    // It sent nothing after the slot was taken (QuietUntil: one quiet after the last holder that may have sent).
                    var notBefore = view.Reclaimed is not null && slot is not null ? slot.QuietUntil : default;
                    share.Joined(view, sentAt, time.GetUtcNow(), notBefore);
                    reclaimable = [];
                    acknowledged = share.Version;
                    if (view.Reclaimed is { } dead)
                    {
                        LogReclaimed(share.MemberId, dead, share.Version, view.Members.Count, notBefore);
                    }
                    else
                    {
                        LogJoined(share.MemberId, share.Version, view.Members.Count);
                    }
                }

                budget.ApplyShare(GatesToApply());

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
                await Task.Delay(options.Heartbeat, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet member {MemberId} joined as version {Version} ({Members} live members)")]
    private partial void LogJoined(string memberId, long version, int members);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId} reclaimed the row of {Dead}, which died without leaving (version {Version}, {Members} live members); it sends from {NotBefore:O}")]
    private partial void LogReclaimed(string memberId, string dead, long version, int members, DateTimeOffset notBefore);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId} took no instance slot ({Reason}): a predecessor's row is waited for until it expires")]
    private partial void LogNoSlot(string memberId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet member {MemberId}: budget shared by {Members} live members from {OpenFrom:O} (0: closed)")]
    private partial void LogShare(string memberId, int members, DateTimeOffset openFrom);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId} had expired (no heartbeat in time): its gates were closed; joining again")]
    private partial void LogExpired(string memberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId}: heartbeat failed ({Reason}); the gates close if the registration may expire")]
    private partial void LogHeartbeatFailed(string memberId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId} settled {Count} activity attempts its dead predecessors left open: failed for an immediate retry, or already ended ({Left} left to Temporal's timeouts)")]
    private partial void LogOrphansFailed(string memberId, int count, int left);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId} could not fail a dead predecessor's activity attempt ({Reason})")]
    private partial void LogOrphanFailFailed(string memberId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId} could not write to its instance slot {Slot} that it may send: its gates stay closed until it can")]
    private partial void LogOpeningUnwritten(string memberId, int slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet member {MemberId} left")]
    private partial void LogLeft(string memberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet member {MemberId} could not leave ({Reason}); its row expires within {ExpirySeconds} s")]
    private partial void LogLeaveFailed(string memberId, double expirySeconds, string reason);
}
