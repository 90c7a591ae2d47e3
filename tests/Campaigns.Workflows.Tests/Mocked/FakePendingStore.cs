namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>
/// The store's pending attempts (redials and deferred attempts) in memory, with the semantics of
/// <c>IOutcomeStore.TakePendingAsync</c> / <c>HandBackPendingAsync</c> (src/Campaigns.Storage/Sql/SqlOutcomeStore.Pending.cs):
/// a batch holds its attempts under its token (a retry finds the same), adopts what the tokens of a previous run held,
/// takes due free attempts earliest first, and hands back its deferred attempts and redials. Rows a batch finished stay
/// held by its token, as in the store. Thread-safe (batches of one campaign may run at once).
/// </summary>
internal sealed class FakePendingStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<(int Seq, int AttemptNo), Row> rows = [];

    /// <summary>What a take answers: the attempts the token holds (target order) and what is left free.</summary>
    public sealed record Take(IReadOnlyList<(int Seq, int AttemptNo)> Items, long Left, DateTimeOffset? NextDue);

    public Take TakePending(string token, IReadOnlyList<string> adoptTokens, IReadOnlyList<(int Seq, int AttemptNo)> explicitItems, int take, DateTimeOffset now)
    {
        lock (gate)
        {
            foreach (var row in rows.Values.Where(r => r.TakenBy is { } t && adoptTokens.Contains(t, StringComparer.Ordinal)))
            {
                row.TakenBy = token;
            }

            if (take > 0)
            {
                var more = take - Held(token);
                foreach (var row in rows.Values.Where(r => r.TakenBy is null && r.DueAt <= now)
                    .OrderBy(r => r.DueAt).ThenBy(r => r.Seq).ThenBy(r => r.AttemptNo).Take(Math.Max(0, more)).ToList())
                {
                    row.TakenBy = token;
                }
            }

            var listed = explicitItems.Distinct().OrderBy(i => i.Seq).ThenBy(i => i.AttemptNo).ToList();
            // With a take, only what room it left is held; the rest is added free and due now (never held twice).
            var room = take > 0 ? (int)Math.Clamp(take - Held(token), 0, listed.Count) : listed.Count;
            for (var i = 0; i < listed.Count; i++)
            {
                if (!rows.TryGetValue(listed[i], out var row))
                {
                    rows[listed[i]] = new Row(listed[i].Seq, listed[i].AttemptNo) { DueAt = now, TakenBy = i < room ? token : null };
                }
                else if (take == 0 && row.TakenBy is null)
                {
                    row.TakenBy = token;
                }
            }

            var items = rows.Values.Where(r => r.TakenBy == token).OrderBy(r => r.Seq).ThenBy(r => r.AttemptNo).Select(r => (r.Seq, r.AttemptNo)).ToList();
            return Left(items);
        }
    }

    /// <summary>Deferred attempts become free again at their due time (if the token still holds them); redials are added once.</summary>
    public Take HandBack(string token, IReadOnlyList<(int Seq, int AttemptNo, DateTimeOffset DueAt)> deferred, IReadOnlyList<(int Seq, int AttemptNo, DateTimeOffset DueAt)> redials)
    {
        lock (gate)
        {
            foreach (var (seq, attemptNo, due) in deferred)
            {
                if (!rows.TryGetValue((seq, attemptNo), out var row))
                {
                    rows[(seq, attemptNo)] = new Row(seq, attemptNo) { DueAt = due };
                }
                else if (row.TakenBy is null || row.TakenBy == token)
                {
                    (row.DueAt, row.TakenBy) = (due, null);
                }
            }

            foreach (var (seq, attemptNo, due) in redials)
            {
                rows.TryAdd((seq, attemptNo), new Row(seq, attemptNo) { DueAt = due });
            }

            return Left([]);
        }
    }

    /// <summary>Attempts nobody holds: every free one when <paramref name="all"/>, else only those due by <paramref name="now"/>.</summary>
    public IReadOnlyList<(int Seq, int AttemptNo)> Free(DateTimeOffset now, bool all) =>
        [.. Snapshot().Where(r => r.TakenBy is null && (all || r.DueAt <= now)).Select(r => (r.Seq, r.AttemptNo))];

    /// <summary>Everything the campaign has waiting (ended: nothing dispatches it).</summary>
    public void DeleteAll()
    {
        lock (gate)
        {
            rows.Clear();
        }
    }

    private List<Row> Snapshot()
    {
        lock (gate)
        {
            return [.. rows.Values.Select(r => r with { })];
        }
    }

    private int Held(string token) => rows.Values.Count(r => r.TakenBy == token);

    private Take Left(IReadOnlyList<(int Seq, int AttemptNo)> items)
    {
        var free = rows.Values.Where(r => r.TakenBy is null).ToList();
        return new Take(items, free.Count, free.Count > 0 ? free.Min(r => r.DueAt) : null);
    }

    private sealed record Row(int Seq, int AttemptNo)
    {
        public DateTimeOffset DueAt { get; set; }

        public string? TakenBy { get; set; }
    }
}
