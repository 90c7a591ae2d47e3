using Campaigns.Storage;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>The invariant every campaign test checks: nobody rung twice, every rung callee's outcome stored.</summary>
internal static class RingAssertions
{
    /// <summary>
    /// Each callee has exactly one outcome per attempt; a callee is rung once per attempt, except when the
    /// start refused to ring it (outcome NotRung: never rung); an attempt whose ring is unknown (RingUnknown: no
    /// ResultCode, an unanswered Cancel record) may have rung it or not. Returns the outcomes.
    /// </summary>
    public static async Task<List<OutcomeExportRow>> EachRungOnceWithOneOutcomeAsync(CampaignHarness h, string campaignId, IReadOnlyCollection<string> callees)
    {
        var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, campaignId);
        var rings = await h.Simulator.RingsAsync();
        foreach (var callee in callees)
        {
            var mine = outcomes.Where(o => o.Callee == callee).ToList();
            Assert.True(mine.Count > 0, $"no outcome for {callee}");
            Assert.Equal(mine.Count, mine.Select(o => o.AttemptNo).Distinct().Count());
            var rung = mine.Count(o => o.Result is not ("NotRung" or "RingUnknown"));
            var maybe = mine.Count(o => o.Result == "RingUnknown");
            var rang = rings.GetValueOrDefault(callee);
            Assert.True(rang >= rung && rang <= rung + maybe, $"{callee}: rung {rang} times, {rung} attempts rang it, {maybe} may have");
        }

        Assert.DoesNotContain(outcomes, o => !callees.Contains(o.Callee));
        return outcomes;
    }

    /// <summary>
    /// Each outcome agrees with its record's fate in the simulator: RecordMissing exactly where no record was ever
    /// written. Returns how many records came later than <paramref name="lateAfter"/> (late ones were found).
    /// </summary>
    public static int OutcomesAgreeWithRecordFates(CampaignHarness h, IEnumerable<OutcomeExportRow> rows, TimeSpan lateAfter)
    {
        var fates = h.Simulator.Service<Campaigns.Simulator.Calls.CallBook>().All().ToDictionary(c => c.CallId, c => c.Fate);
        var late = 0;
        foreach (var row in rows.Where(r => r.CallId is not null))
        {
            var fate = fates[row.CallId!];
            Assert.True(fate.Never == (row.Result == Results.RecordMissing), $"{row.Callee}: outcome {row.Result}, record never written: {fate.Never}");
            late += !fate.Never && fate.Delay > lateAfter ? 1 : 0;
        }

        return late;
    }
}
