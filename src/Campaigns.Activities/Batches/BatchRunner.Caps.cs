using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Logging;

namespace Campaigns.Activities.Batches;

/// <content>
/// Contact caps (docs/contact-policy.md): an attempt a cap refuses is never dialed and never dropped. It comes back
/// Deferred with the instant the cap frees (<see cref="BatchContext.CappedUntil"/>), and the batch hands it back to the
/// store due then (<see cref="HeldAttempts"/>). The claim decides, atomically; a read before the waits only saves an
/// attempt the claim would refuse from queueing for a live-call slot and the start gate.
/// </content>
public sealed partial class BatchRunner
{
    /// <summary>The error text of an attempt a cap still deferred when its campaign ended (result Capped).</summary>
    internal const string CappedInfo = "capped: the campaign ended before its contact policy allowed this attempt";

    // Before the waits: the caps read without a lock. Null: go on (the claim checks again).
    private async Task<string?> DeferIfCappedAsync(CampaignSpec spec, CallAttempt attempt, Target target, BatchContext context)
    {
        var caps = await contactCaps.ForAsync(spec, context.Abort).ConfigureAwait(false);
        return caps.Count > 0 && await store.ContactCappedUntilAsync(target.Callees, caps, context.Abort).ConfigureAwait(false) is { } until
            ? Capped(attempt, until, context)
            : null;
    }

    // The claim, counted against the caps in its own transaction when any apply (not cancelled half-way, as any claim).
    private async Task<DialClaim> ClaimUnderCapsAsync(CampaignSpec spec, CallAttempt attempt, BatchContext context)
    {
        var caps = await contactCaps.ForAsync(spec, context.Abort).ConfigureAwait(false);
        return caps.Count == 0
            ? await store.ClaimDialAsync(attempt.AttemptKey, context.ClaimToken, CancellationToken.None).ConfigureAwait(false)
            : await store.ClaimDialCappedAsync(attempt.AttemptKey, context.ClaimToken, caps, CancellationToken.None).ConfigureAwait(false);
    }

    private string Capped(CallAttempt attempt, DateTimeOffset until, BatchContext context)
    {
        context.CappedUntil[attempt.AttemptKey] = until;
        LogCapped(attempt.AttemptKey, until);
        return Results.Deferred;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Attempt {AttemptKey} deferred by a contact cap until {Until:o}")]
    private partial void LogCapped(string attemptKey, DateTimeOffset until);
}
