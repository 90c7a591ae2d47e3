using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Production-shaped calls, scaled down (simulator ×30: rings 2–20 s, talks 5–60 s, 15 % ring out, records
/// 5 s after the end with spread, 2 % of records minutes late, 1 % never): dispatch never waits for a record,
/// and <c>rate.maxCallsInFlight</c> bounds the calls that are ringing or talking, from the simulator's call log.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTestsSecondLane.Name)]
public sealed class LiveCallSlotsTests(TemporalServer temporal)
{
    private const double TimeScale = 30;

    [Fact]
    public async Task ProductionMix_DispatchNeverWaitsForRecords_AndLiveCallsStayWithinMaxCallsInFlight()
    {
        const int liveLimit = 40;
        const int targets = 600;
        await using var h = await CampaignHarness.StartAsync(
            temporal,
            o =>
            {
                // The simulator's defaults are the production mix; these only make the rare cases certain to appear.
                o.Records.LateRate = 0.02;
                o.Records.MissingRate = 0.01;
                o.Seed = 17;
            },
            TimeScale);
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, targets).Select(i => $"p{i:D4}").ToList();
        var requested = DateTimeOffset.UtcNow;
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id,
            RobotAccount = "robot",
            Callees = callees,
            RingTimeoutMs = 30_000,
            Rate = new RateSpec { MaxCallsInFlight = liveLimit },
        });

        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(targets, result.Finished);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);

        // Live calls from the call log (the simulator's clock): never more than the limit at once. The worker
        // holds a slot from before the start until it has seen the end, which covers the vendor's span.
        var calls = await h.Simulator.CallsAsync();
        Assert.Equal(targets, calls.Count);
        var events = calls.SelectMany(c => new[] { (At: c.StartedAt, Delta: +1), (At: c.EndsAt, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta); // an end and a start at the same instant: the end first
        var live = 0;
        var peak = 0;
        foreach (var e in events)
        {
            live += e.Delta;
            peak = Math.Max(peak, live);
        }

        // Dispatch never waited for a record: the longest pause between two consecutive starts is far shorter
        // than a missing record's wait (RecordMaxWaitSeconds 600 s, 20 s here). Before live-call slots a
        // batch held its slots until its last record, so starts paused for the whole wait.
        var starts = calls.Select(c => c.StartedAt).Order().ToList();
        var longestPause = starts.Zip(starts.Skip(1), (a, b) => b - a).Max();
        var recordMissing = result.ByResult.GetValueOrDefault(Results.RecordMissing);
        var span = starts[^1] - starts[0];
        var firstRing = calls.Min(c => c.PlacedAt) - requested; // both on this machine's wall clock
        Console.WriteLine(
            $"workflow start → first ring {firstRing.TotalSeconds:F2} s; live calls: peak {peak} of {liveLimit}; starts over {span.TotalSeconds / TimeScale:F1} s real ({targets / (span.TotalSeconds / TimeScale):F1}/s); " +
            $"longest pause between starts {longestPause.TotalSeconds / TimeScale:F2} s real; RecordMissing {recordMissing}");
        Assert.InRange(peak, 1, liveLimit);
        Assert.True(longestPause < TimeSpan.FromSeconds(150), $"starts paused {longestPause.TotalSeconds} s (simulator time) while records were awaited");
        Assert.True(recordMissing > 0, "the mix should include records that never come (the test must meet the wait it proves dispatch ignores)");
    }

    [Fact]
    public async Task SmallLiveLimit_AttemptsNotStartedWithinTheStartWindow_ComeBackAndAreDialedLater_EachOnce()
    {
        // 2 live calls of about 1.3 s (×30) each start about 1.5 calls/s: 90 targets take about a minute, longer
        // than a batch's 30 s start window, so attempts come back Deferred (never claimed) and are dispatched again.
        const int targets = 90;
        await using var h = await CampaignHarness.StartAsync(temporal, o => o.Seed = 5, TimeScale);
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, targets).Select(i => $"w{i:D3}").ToList();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id,
            RobotAccount = "robot",
            Callees = callees,
            RingTimeoutMs = 30_000,
            Rate = new RateSpec { MaxCallsInFlight = 2 },
        });

        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(targets, result.Finished);
        Assert.DoesNotContain(Results.Deferred, result.ByResult.Keys);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        var calls = await h.Simulator.CallsAsync();
        var live = 0;
        var peak = 0;
        foreach (var e in calls.SelectMany(c => new[] { (At: c.StartedAt, Delta: +1), (At: c.EndsAt, Delta: -1) }).OrderBy(e => e.At).ThenBy(e => e.Delta))
        {
            live += e.Delta;
            peak = Math.Max(peak, live);
        }

        var history = await handle.FetchHistoryAsync();
        var batches = history.Events.Count(e => e.ActivityTaskScheduledEventAttributes is not null);
        Console.WriteLine($"small live limit: {targets} targets, peak live {peak} of 2, {batches} batch activities, {history.Events.Count} events");
        Assert.InRange(peak, 1, 2);
        Assert.True(batches > 2, "the attempts that waited past the start window were dispatched again");
    }
}
