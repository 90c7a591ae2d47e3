using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>How batch results count in the progress (pure logic, the workflow's mapping beside the contract).</summary>
public sealed class ProgressCountsTests
{
    [Fact]
    public void Add_FinalResultsFinish_RedialedOnesCountOnlyAsAttempts_DeferredCountNowhere()
    {
        var start = new CampaignProgress { Targets = 5, Finished = 1, Attempts = 1, ByResult = new Dictionary<string, long> { ["NormalEnd"] = 1 } };
        ItemResult[] items =
        [
            new(2, 1, Results.NormalEnd), new(3, 1, Results.NotAnswer), new(4, 1, Results.Deferred), new(5, 1, Results.Unresolved), new(3, 2, Results.NotAnswer),
        ];

        // NotAnswer on a first attempt is redialed; its second attempt is final.
        var p = ProgressCounts.Add(start, items, i => i.Result == Results.NotAnswer && i.AttemptNo < 2);

        Assert.Equal((4L, 5L, 1L), (p.Finished, p.Attempts, p.Unresolved));
        Assert.Equal(new Dictionary<string, long> { ["NormalEnd"] = 2, ["NotAnswer"] = 2, ["Unresolved"] = 1 }, p.ByResult);
        Assert.Equal(1, start.ByResult["NormalEnd"]); // the progress it started from is left as it was
    }

    [Fact]
    public void GaveUp_CountsErrored_KeepsEachMessageOnce_AndAtMostTen()
    {
        var p = new CampaignProgress();
        for (var i = 0; i < 12; i++)
        {
            p = ProgressCounts.GaveUp(p, failed: 3, message: "error " + (i % 11));
        }

        p = ProgressCounts.GaveUp(p, failed: 1, message: "error 0");

        Assert.Equal(37, p.Errored);
        Assert.Equal(ProgressCounts.MaxErrorsKept, p.Errors.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "error " + i), p.Errors);
    }
}
