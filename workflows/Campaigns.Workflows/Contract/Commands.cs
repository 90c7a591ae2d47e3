namespace Campaigns.Workflows.Contract;

/// <summary>The argument of the <c>setRate</c> update: the campaign's new start rate (null: the worker's share).</summary>
public sealed record RateChange(int? MaxCallsPerSecond);

/// <summary>A batch of a previous run: its token in the store, and its attempts when the workflow listed them (first pass).</summary>
public sealed record AdoptedBatch(string Token, IReadOnlyList<int[]>? Runs);

/// <summary>An attempt to dispatch at or after <see cref="DueAt"/>.</summary>
public sealed record PendingAttempt(int Seq, int AttemptNo, DateTimeOffset DueAt);
