using System.Text;
using Campaigns.Storage.Csv;
using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task UpsertOutcomes_SameBatchTwice_LeavesOneRowPerCallee()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b"));
        var batch = new[] { OutcomeOf(await DialedAttemptAsync(1, "a"), "a"), OutcomeOf(await DialedAttemptAsync(2, "b"), "b", "Reject") };

        await Store.UpsertOutcomesAsync(batch);
        await Store.UpsertOutcomesAsync(batch);

        var progress = await Store.GetProgressAsync(Campaign);
        Assert.Equal(2, progress.OutcomesByResult.Values.Sum());
        Assert.Equal(2, await CountExportedAsync());
    }

    [Fact]
    public async Task UpsertOutcomes_ALaterWrite_ReplacesTheEarlierOne()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var attempt = await DialedAttemptAsync(1, "a");

        await Store.UpsertOutcomesAsync([OutcomeOf(attempt, "a", "Unknown")]);
        await Store.UpsertOutcomesAsync([OutcomeOf(attempt, "a", "Reject"), OutcomeOf(attempt, "a", "NormalEnd")]);

        var row = Assert.Single(await ExportAsync());
        Assert.Equal(("NormalEnd", "normalend", 60_000L), (row.Result, row.RawResult, row.DurationMs!.Value));
    }

    [Fact]
    public async Task GetAttemptResults_ReturnsEachCalleesResult_EmptyForAnAttemptWithout()
    {
        await Store.AddTargetsAsync(Campaign, Callees("b;a", "c"));
        var group = await DialedAttemptAsync(1, "a");
        var single = await DialedAttemptAsync(2, "c");
        await Store.UpsertOutcomesAsync([OutcomeOf(group, "b", "Reject"), OutcomeOf(group, "a", "NotAnswer")]);

        var results = await Store.GetAttemptResultsAsync(group.AttemptKey);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "NotAnswer", ["b"] = "Reject" }, results);
        Assert.Empty(await Store.GetAttemptResultsAsync(single.AttemptKey));
    }

    [Fact]
    public async Task Outcomes_RoundTripTimesNullsAndOrder()
    {
        await Store.AddTargetsAsync(Campaign, Callees("b;a", "c"));
        var group = await DialedAttemptAsync(1, "a");
        var single = await DialedAttemptAsync(2, "c");
        await Store.UpsertOutcomesAsync([OutcomeOf(single, "c", "NotAnswer"), OutcomeOf(group, "b"), OutcomeOf(group, "a")]);

        var rows = await ExportAsync();

        Assert.Equal(["1/a", "1/b", "2/c"], rows.Select(r => $"{r.TargetSeq}/{r.Callee}"));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000005), rows[0].AcceptTime);
        Assert.Null(rows[2].AcceptTime);
        Assert.Null(rows[2].DurationMs);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000065), rows[2].EndTime);
    }

    [Fact]
    public async Task Progress_CountsTargetsStatesAndResults()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c", "d"));
        var a = await DialedAttemptAsync(1, "a");
        var b = await DialedAttemptAsync(2, "b");
        await Store.RecordIntentAsync(Campaign, 3, 1);
        await Store.UpsertOutcomesAsync([OutcomeOf(a, "a"), OutcomeOf(b, "b", "Reject")]);
        await Store.MarkSettledAsync(a.AttemptKey);

        var p = await Store.GetProgressAsync(Campaign);

        Assert.Equal(4, p.Targets);
        Assert.Equal(1, p.AttemptsByState[AttemptState.Settled]);
        Assert.Equal(1, p.AttemptsByState[AttemptState.Dialed]);
        Assert.Equal(1, p.AttemptsByState[AttemptState.Intended]);
        Assert.Equal(1, p.OutcomesByResult["NormalEnd"]);
        Assert.Equal(1, p.OutcomesByResult["Reject"]);
    }

    [Fact]
    public async Task ConcurrentWriters_OverlappingBatches_EachRowLandsOnce()
    {
        await Store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, 200).Select(i => (IReadOnlyList<string>)["c" + i])]);
        var attempts = new List<CallAttempt>();
        for (var seq = 1; seq <= 200; seq++)
        {
            attempts.Add(await DialedAttemptAsync(seq, "c" + (seq - 1)));
        }

        var second = SecondStore();
        var writers = Enumerable.Range(0, 8).Select(w =>
        {
            var store = w % 2 == 0 ? Store : second;
            var batch = attempts.Skip(w * 20).Take(60).Select(a => OutcomeOf(a, "c" + (a.TargetSeq - 1))).ToList();
            return Task.Run(async () =>
            {
                await store.UpsertOutcomesAsync(batch);
                await store.RecordIntentAsync(Campaign, 1 + w, 2);
            });
        });
        await Task.WhenAll(writers);

        var p = await Store.GetProgressAsync(Campaign);
        Assert.Equal(200, p.OutcomesByResult["NormalEnd"]);
        Assert.Equal(8, p.AttemptsByState[AttemptState.Intended]);
        if (second is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }
    }

    [Fact]
    public async Task ExportCsv_HasAHeaderAndARowPerOutcome()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        await Store.UpsertOutcomesAsync([OutcomeOf(await DialedAttemptAsync(1, "a"), "a")]);
        var text = new StringBuilder();

        await using (var writer = new StringWriter(text))
        {
            Assert.Equal(1, await OutcomeCsvWriter.WriteAsync(Store, Campaign, writer));
        }

        var lines = text.ToString().TrimEnd().Split("\r\n");
        Assert.Equal("target,attempt,callee,call_id,result,raw_result,start_time,accept_time,end_time,talk_seconds", lines[0]);
        Assert.Equal("1,1,a,call-1-1,NormalEnd,normalend,2023-11-14T22:13:20Z,2023-11-14T22:13:25Z,2023-11-14T22:14:25Z,60", lines[1]);
    }

    private async Task<List<OutcomeExportRow>> ExportAsync()
    {
        var rows = new List<OutcomeExportRow>();
        await foreach (var row in Store.ReadOutcomesAsync(Campaign))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task<int> CountExportedAsync() => (await ExportAsync()).Count;
}
