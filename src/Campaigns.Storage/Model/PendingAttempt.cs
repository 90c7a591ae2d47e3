namespace Campaigns.Storage.Model;

/// <summary>An attempt waiting in the store to be dispatched: a redial not yet due, or one deferred by its batch.</summary>
public sealed record PendingRow(int TargetSeq, int AttemptNo, DateTimeOffset DueAt)
{
    /// <summary>Deferred by a contact cap: when the cap frees (null for a redial, or an attempt deferred for another reason).</summary>
    public DateTimeOffset? CappedUntil { get; init; }
}

/// <summary>
/// What a batch holds after <see cref="IOutcomeStore.TakePendingAsync"/>: its attempts (in target order), and what
/// is left waiting for later batches (how many, the earliest due) — the workflow's cursor on the store.
/// </summary>
public sealed record PendingTake(IReadOnlyList<(int TargetSeq, int AttemptNo)> Items, long Left, DateTimeOffset? NextDueAt)
{
    /// <summary>How many of <see cref="Left"/> a contact cap deferred (the progress shows them as Deferred).</summary>
    public long CappedLeft { get; init; }
}
