using Campaigns.Storage;

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
}
