using Campaigns.Workflows.Contract;
using Temporalio.Api.Enums.V1;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>
/// Continue-as-new with the activities mocked. The time-skipping server suggests continuing as new at 4 MB (or 4096
/// events) of history, and its threshold cannot be set; the fake pads the results of the first batches (a field the
/// workflow ignores) to reach it within a few batches. The next run carries the cursor, the counters, the rate set by
/// an update, and the count and due time of the redials waiting in the store.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TimeSkippingTests.Name)]
public sealed class ContinueAsNewMockedTests(TimeSkippingFixture server, ITestOutputHelper output) : IClassFixture<TimeSkippingFixture>
{
    [Fact]
    public async Task SuggestedAfterPaddedBatches_NextRunCarriesCursorCountersRateAndRedials_EveryAttemptOnce()
    {
        // 1.1 MB of filler in each of the first four batch results: the history passes 4 MB with the fourth.
        var fake = new FakeCampaignActivities
        {
            Outcome = (seq, _) => seq <= 5 ? "NotAnswer" : Results.NormalEnd,
            PaddingBytes = (n, _) => n <= 4 ? 1_100_000 : 0,
        };
        var id = MockedCampaign.NewId("can");
        await using var c = await MockedCampaign.StartAsync(server.Env, fake, output, id, MockedCampaign.Json(
            id,
            100,
            """, "rate": { "maxCallsPerSecond": 2 }, "redial": { "maxAttempts": 2, "rules": [ { "result": "NotAnswer", "delaySeconds": 600 } ] }"""));
        var firstRun = (await c.Handle.DescribeAsync()).RunId!;

        // The rate doubled by an update after the first batches (no time is skipped before the result is awaited).
        await MockedCampaign.UntilAsync(() => !fake.Batches.IsEmpty, "the first batch");
        await c.Handle.ExecuteUpdateAsync(wf => wf.SetRateAsync(new RateChange(4)));
        var result = await c.ResultAsync();

        var runs = fake.Batches.GroupBy(b => b.RunId).Select(g => g.ToList()).ToList();
        c.Print($"{result.Runs} runs; batches per run {string.Join(", ", runs.Select(r => r.Count))}; "
            + $"run 2 began at target {runs[1].Where(b => b.Input.Runs is { Count: > 0 }).Select(b => b.Input.Runs![0][0]).DefaultIfEmpty().Min()}");
        Assert.True(result.Runs >= 2, $"ran as {result.Runs} run(s)");
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(100, result.Dispatched);
        Assert.Equal(100, result.Finished);
        Assert.Equal(105, result.Attempts);
        Assert.Equal(10, result.ByResult["NotAnswer"]);
        Assert.Single(fake.Registrations); // a continued run registers nothing
        Assert.True(runs.Count >= 2);

        // The first run ended continuing as new, with no batch left running.
        var history = await server.Env.Client.GetWorkflowHandle(c.Handle.Id, firstRun).FetchHistoryAsync();
        Assert.Equal(EventType.WorkflowExecutionContinuedAsNew, history.Events.Last().EventType);
        Assert.All(runs[0], b => Assert.Equal(firstRun, b.RunId));

        // The next run: the first pass from where the first stopped, at the rate the update set (batches of 20), and
        // the redials the first run's batches left in the store, at their time.
        var later = runs.Skip(1).SelectMany(r => r).ToList();
        Assert.All(later, b => Assert.Equal(4, b.Input.Spec.Rate.MaxCallsPerSecond));
        Assert.All(later.Where(b => b.Input.Runs is { Count: > 0 }), b => Assert.Equal(20, b.Held.Count));
        var dials = fake.Dials.ToList();
        Assert.Equal(105, dials.Select(d => (d.Seq, d.AttemptNo)).Distinct().Count());
        Assert.Equal(105, dials.Count);
        foreach (var seq in Enumerable.Range(1, 5))
        {
            var first = dials.Single(d => d.Seq == seq && d.AttemptNo == 1).At;
            var second = dials.Single(d => d.Seq == seq && d.AttemptNo == 2).At;
            Assert.True(second - first >= TimeSpan.FromSeconds(600), $"target {seq} redialed {(second - first).TotalSeconds} s after its NotAnswer");
        }

        await c.AssertReplaysAsync(server.Env.Client.GetWorkflowHandle(c.Handle.Id, firstRun));
        await c.AssertReplaysAsync();
    }
}
