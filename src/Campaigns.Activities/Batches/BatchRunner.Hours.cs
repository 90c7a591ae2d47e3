using Campaigns.Storage.Model;
using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Logging;

namespace Campaigns.Activities.Batches;

/// <content>
/// Callee-local time (docs/callee-time-zones.md): an attempt whose callee's own calling window is closed now (their
/// zone's hours, or a holiday of the app) is never dialed: it comes back Deferred with the instant the window opens
/// (<see cref="BatchContext.ClosedUntil"/>), and the batch hands it back to the store due then (<see cref="HeldAttempts"/>).
/// Checked before the waits for a slot and the budget, and again just before the claim.
/// </content>
public sealed partial class BatchRunner
{
    // Null: the callee's window is open (go on). Only where pending attempts live in the store (the batch has a token):
    // a batch of an older workflow hands a Deferred attempt back to its workflow due at once, which would spin.
    private async Task<string?> DeferIfClosedAsync(BatchInput input, CallAttempt attempt, Target target, BatchContext context)
    {
        if (input.Token is null || await calleeHours.ClosedUntilAsync(input.Spec, target, context.Abort).ConfigureAwait(false) is not { } opens)
        {
            return null;
        }

        context.ClosedUntil[attempt.AttemptKey] = opens;
        LogClosed(attempt.AttemptKey, target.TimeZone ?? input.Spec.CallingWindow?.TimeZone, opens);
        return Results.Deferred;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Attempt {AttemptKey} deferred: the callee's window ({Zone}) opens {Opens:o}")]
    private partial void LogClosed(string attemptKey, string? zone, DateTimeOffset opens);
}
