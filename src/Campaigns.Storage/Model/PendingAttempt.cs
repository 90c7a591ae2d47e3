namespace Campaigns.Storage.Model;

/// <summary>An attempt waiting in the store to be dispatched: a redial not yet due, or one deferred by its batch.</summary>
public sealed record PendingRow(int TargetSeq, int AttemptNo, DateTimeOffset DueAt);

/// <summary>
/// What a batch holds after <see cref="IOutcomeStore.TakePendingAsync"/>: its attempts (in target order), and what
/// is left waiting for later batches (how many, the earliest due) — the workflow's cursor on the store.
/// </summary>
public sealed record PendingTake(IReadOnlyList<(int TargetSeq, int AttemptNo)> Items, long Left, DateTimeOffset? NextDueAt);
