using System.Globalization;
using Campaigns.Workflows.Contract;
using Temporalio.Api.Enums.V1;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// The calling window on the real server: a campaign started before its window opens dials nothing, then
/// starts by itself when the window opens. The zone is chosen so that local time is around noon, so the
/// window never crosses midnight whenever the test runs.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class CallingWindowTests(TemporalServer temporal)
{
    [Fact]
    public async Task BeforeTheWindowOpens_NothingDialed_ThenDispatchStartsByItself()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var now = DateTimeOffset.UtcNow;
        var offset = 12 - now.Hour; // local time ≈ 12:xx in Etc/GMT±n (whose sign is inverted)
        var zone = offset == 0 ? "Etc/GMT" : offset > 0 ? $"Etc/GMT-{offset}" : $"Etc/GMT+{-offset}";
        var opens = now.AddSeconds(6);
        var local = opens.ToOffset(TimeSpan.FromHours(offset));
        var id = CampaignHarness.NewId();
        var callees = new[] { "w1", "w2", "w3" };
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000,
            CallingWindow = new CallingWindowSpec
            {
                TimeZone = zone,
                Start = local.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                End = local.AddHours(1).ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            },
        });
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = await handle.QueryAsync(wf => wf.Progress);

        var result = await handle.GetResultAsync();

        Assert.Equal(0, before.Dispatched);
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        var history = await handle.FetchHistoryAsync();
        var firstBatch = history.Events.First(e => e.EventType == EventType.ActivityTaskScheduled
            && e.ActivityTaskScheduledEventAttributes.ActivityType.Name.StartsWith("RunBatch", StringComparison.Ordinal)); // RunBatchRuns since live-call slots
        Assert.True(firstBatch.EventTime.ToDateTimeOffset() >= opens.AddSeconds(-1), $"first batch at {firstBatch.EventTime}, the window opens {opens:O}");
    }
}
