using Campaigns.Activities;
using Campaigns.Activities.Budget;
using Campaigns.TencentCall;
using Microsoft.Extensions.Options;

namespace Campaigns.Workflows.Tests;

/// <summary>The worker's share of the vendor's limits (pure logic).</summary>
public sealed class ApiBudgetTests
{
    [Theory]
    [InlineData(RecordsApiGeneration.V4, 1, 180, 180, 18)]
    [InlineData(RecordsApiGeneration.V1, 1, 180, 180, 18)]
    [InlineData(RecordsApiGeneration.V4, 2, 90, 90, 9)]
    [InlineData(RecordsApiGeneration.V1, 4, 45, 45, 4)]
    public void Limits_AreTheVendorsTimesHeadroomSharedByTheFleet(RecordsApiGeneration records, int workers, int starts, int recordRequests, int v1ByCallId)
    {
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions { Budget = new BudgetOptions { Workers = workers } }),
            Options.Create(new TencentCallOptions { RecordsApi = records }),
            TimeProvider.System);

        Assert.Equal(starts, budget.LimitOf(BudgetedApi.StartCall));
        Assert.Equal(recordRequests, budget.LimitOf(BudgetedApi.Records));

        // v1 by CallId: 20/s per app whichever generation the worker defaults to (a campaign may choose v1).
        Assert.Equal(v1ByCallId, budget.V1ByCallIdLimit);
        Assert.Equal(records, budget.DefaultRecordsApi);
    }

    [Theory]
    [InlineData(BudgetedApi.StartCall)]
    [InlineData(BudgetedApi.CallInfo)]
    [InlineData(BudgetedApi.EndCall)]
    [InlineData(BudgetedApi.Records)]
    public async Task CampaignCap_HoldsForItsCampaign_WhileAnotherGetsTheRest(BudgetedApi api)
    {
        // The worker's budget: 50/s on every API. Campaign "low" is capped at 5/s on api; "free" has no cap.
        var time = new ManualTime();
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions
            {
                Budget = new BudgetOptions { StartCallsPerSecond = 50, CallInfoPerSecond = 50, EndCallPerSecond = 50, RecordsPerSecond = 50, Headroom = 1 },
            }),
            Options.Create(new TencentCallOptions()),
            time);
        var low = new CampaignBudget("low") { StartCall = 5, CallInfo = 5, EndCall = 5, Records = 5 };
        var free = new CampaignBudget("free");
        ValueTask Acquire(CampaignBudget campaign, CancellationToken ct) => api switch
        {
            BudgetedApi.StartCall => budget.AcquireStartAsync(campaign, 1, ct),
            BudgetedApi.Records => budget.AcquireRecordAsync(campaign, null, byCallId: true, ct),
            _ => budget.AcquireAsync(api, campaign, ct),
        };

        using var stop = new CancellationTokenSource();
        var passes = new Dictionary<string, List<DateTimeOffset>> { ["low"] = [], ["free"] = [] };
        async Task Loop(CampaignBudget campaign)
        {
            try
            {
                while (true)
                {
                    await Acquire(campaign, stop.Token);
                    lock (passes)
                    {
                        passes[campaign.CampaignId].Add(time.GetUtcNow());
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        // Several requests of each campaign wait at once, as a batch's calls do.
        var loops = Enumerable.Range(0, 8).SelectMany(_ => new[] { Loop(low), Loop(free) }).ToList();
        var end = time.GetUtcNow() + TimeSpan.FromSeconds(4);
        while (time.GetUtcNow() < end)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            await Task.Delay(1); // lets the continuations the advance released run (not a timing assumption)
        }

        await stop.CancelAsync();
        time.Advance(TimeSpan.FromSeconds(2));
        await Task.WhenAll(loops);

        var lowPasses = passes["low"];
        var freePasses = passes["free"];
        Console.WriteLine($"{api}: low (cap 5/s) {lowPasses.Count} passes, free {freePasses.Count} passes in 4 s of a 50/s budget");
        for (var i = 5; i < lowPasses.Count; i++)
        {
            Assert.True(lowPasses[i] - lowPasses[i - 5] >= TimeSpan.FromSeconds(1), $"low: 6 passes within {lowPasses[i] - lowPasses[i - 5]}");
        }

        // Its cap, and no more (a little less: the clock here runs ahead of the continuations it releases).
        Assert.InRange(lowPasses.Count, 12, 21);
        Assert.True(freePasses.Count >= 5 * lowPasses.Count, $"free got {freePasses.Count} passes, low {lowPasses.Count}: the capped campaign held back the rest of the budget");
        var all = lowPasses.Concat(freePasses).Order().ToList();
        for (var i = 50; i < all.Count; i++)
        {
            Assert.True(all[i] - all[i - 50] >= TimeSpan.FromSeconds(1), "the worker's budget was exceeded");
        }
    }

    [Fact]
    public async Task CampaignGates_IdleOnes_AreForgotten()
    {
        var time = new ManualTime();
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions()), Options.Create(new TencentCallOptions()), time, TimeSpan.FromMinutes(1));

        // Two campaigns with caps on two APIs, and one start rate (the token buckets this replaced were never removed).
        await budget.AcquireAsync(BudgetedApi.CallInfo, new CampaignBudget("a") { CallInfo = 10 }, CancellationToken.None);
        await budget.AcquireRecordAsync(new CampaignBudget("a") { Records = 10 }, RecordsApiGeneration.V1, byCallId: true, CancellationToken.None);
        await budget.AcquireAsync(BudgetedApi.CallInfo, new CampaignBudget("b") { CallInfo = 10 }, CancellationToken.None);
        await budget.AcquireStartAsync("b", 30, 1, CancellationToken.None);
        await budget.AcquireAsync(BudgetedApi.EndCall, new CampaignBudget("uncapped"), CancellationToken.None);
        Assert.Equal(4, budget.CampaignGateCount);

        time.Advance(TimeSpan.FromSeconds(30));
        await budget.AcquireAsync(BudgetedApi.CallInfo, new CampaignBudget("a") { CallInfo = 10 }, CancellationToken.None);
        Assert.Equal(4, budget.CampaignGateCount); // not idle for a minute yet

        time.Advance(TimeSpan.FromSeconds(45));
        await budget.AcquireAsync(BudgetedApi.CallInfo, new CampaignBudget("c") { CallInfo = 10 }, CancellationToken.None);
        Assert.Equal(2, budget.CampaignGateCount); // a's get_call_info gate (used 45 s ago) and c's

        time.Advance(TimeSpan.FromMinutes(2));
        await budget.AcquireAsync(BudgetedApi.CallInfo, new CampaignBudget("d") { CallInfo = 10 }, CancellationToken.None);
        Assert.Equal(1, budget.CampaignGateCount);
    }

    [Fact]
    public async Task CapWait_TellsWhenACappedCampaignMayGoAgain()
    {
        var time = new ManualTime();
        using var budget = new ApiBudget(Options.Create(new CampaignWorkerOptions()), Options.Create(new TencentCallOptions()), time);
        var capped = new CampaignBudget("capped") { CallInfo = 2 };

        Assert.Equal(TimeSpan.Zero, budget.CapWait(BudgetedApi.CallInfo, capped));
        await budget.AcquireAsync(BudgetedApi.CallInfo, capped, CancellationToken.None);
        Assert.Equal(TimeSpan.FromMilliseconds(500), budget.CapWait(BudgetedApi.CallInfo, capped));
        Assert.Equal(TimeSpan.Zero, budget.CapWait(BudgetedApi.CallInfo, new CampaignBudget("other")));
        Assert.Equal(TimeSpan.Zero, budget.CapWait(BudgetedApi.EndCall, capped));
    }

    [Fact]
    public async Task Gate_NeverLetsMoreThanTheLimitThroughInOneSecond()
    {
        var time = new ManualTime();
        using var gate = new SlidingWindowGate(5, time);
        var passed = new List<DateTimeOffset>();
        for (var i = 0; i < 12; i++)
        {
            var pass = gate.PassAsync(CancellationToken.None);
            while (!pass.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(10));
                await Task.Yield();
            }

            await pass;
            passed.Add(time.GetUtcNow());
        }

        // Any 5 consecutive passes are at least 1/5 s apart, and 6 never fit in one second.
        for (var i = 5; i < passed.Count; i++)
        {
            Assert.True(passed[i] - passed[i - 5] >= TimeSpan.FromSeconds(1), $"pass {i} came {passed[i] - passed[i - 5]} after pass {i - 5}");
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        private readonly List<(DateTimeOffset Due, TaskCompletionSource Done)> waits = [];

        public override DateTimeOffset GetUtcNow()
        {
            lock (waits)
            {
                return now;
            }
        }

        public void Advance(TimeSpan by)
        {
            List<(DateTimeOffset Due, TaskCompletionSource Done)> due;
            lock (waits)
            {
                now += by;
                due = waits.Where(w => w.Due <= now).ToList();
                waits.RemoveAll(due.Contains);
            }

            foreach (var w in due)
            {
                w.Done.TrySetResult();
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(this, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }

        private sealed class ManualTimer(ManualTime owner, TimerCallback callback, object? state) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (owner.waits)
                {
                    owner.waits.Add((owner.now + dueTime, done));
                }

                _ = done.Task.ContinueWith(_ => callback(state), TaskScheduler.Default);
                return true;
            }

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
