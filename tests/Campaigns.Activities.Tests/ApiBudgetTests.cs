using Campaigns.Activities.Budget;
using Campaigns.Activities.Caps;
using Campaigns.Activities.Fleet;
using Campaigns.TencentCall;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Tests;

/// <summary>The worker's share of the vendor's limits (pure logic).</summary>
public sealed class ApiBudgetTests
{
    [Theory]
    [InlineData(ApiGeneration.V4, 1, 180, 180, 18)]
    [InlineData(ApiGeneration.V1, 1, 180, 180, 18)]
    [InlineData(ApiGeneration.V4, 2, 90, 90, 9)]
    [InlineData(ApiGeneration.V1, 4, 45, 45, 4)]
    public void Limits_AreTheVendorsTimesHeadroomSharedByTheFleet(ApiGeneration records, int workers, int starts, int recordRequests, int v1ByCallId)
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
        // The worker's share: 50/s on every API. Campaign "low" is capped at 5/s on api; "free" has no cap.
        var time = new ManualTime();
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions
            {
                Budget = new BudgetOptions { StartCallsPerSecond = 50, CallInfoPerSecond = 50, EndCallPerSecond = 50, RecordsPerSecond = 50, Headroom = 1, Workers = 1 },
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

        // The times the gates counted (the loops' own clock readings may come later: the clock moves on while a
        // continuation waits for a thread, and passes that catch up on the timeline come closer together).
        var lowSent = new List<DateTimeOffset>();
        var allSent = new List<DateTimeOffset>();
        budget.OnSent = (a, campaign, at) =>
        {
            lock (passes)
            {
                if (a == api && campaign == "low")
                {
                    lowSent.Add(at);
                }
                else if (a == api && campaign is null)
                {
                    allSent.Add(at);
                }
            }
        };
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
        Assert.True(Gates.WorstWindow(lowSent) <= 5, $"low: {Gates.WorstWindow(lowSent)} sends in one second");

        // Its cap, and no more (a little less: the clock here runs ahead of the continuations it releases).
        Assert.InRange(lowPasses.Count, 12, 21);
        Assert.True(freePasses.Count >= 5 * lowPasses.Count, $"free got {freePasses.Count} passes, low {lowPasses.Count}: the capped campaign held back the rest of the budget");
        Assert.True(Gates.WorstWindow(allSent) <= 50, $"the worker's share was exceeded: {Gates.WorstWindow(allSent)} in one second");
    }

    [Theory]
    [InlineData(5, 20)]
    [InlineData(20, 5)]
    public async Task SetRate_ABatchHoldingTheGateBeforeIt_IsPacedAtTheNewRateAfterIt(int oldRate, int newRate)
    {
        // Issue 18 item 8: one gate per campaign, reconfigured in place. Batch "old" was scheduled before the
        // setRate and keeps its caps; batch "new" carries the new rate. Once new has passed once, old's own
        // requests are paced at the new rate, and the campaign never has two gates (two rates side by side).
        var time = new ManualTime();
        var t0 = time.GetUtcNow();
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions { Budget = new BudgetOptions { StartCallsPerSecond = 200, Headroom = 1, Workers = 1 } }),
            Options.Create(new TencentCallOptions()),
            time);
        var old = new CampaignBudget("c") { StartCall = oldRate, Issued = t0 - TimeSpan.FromMinutes(2) };
        var renewed = old with { StartCall = newRate, Issued = t0 - TimeSpan.FromMinutes(1) };
        var sent = new List<DateTimeOffset>();
        budget.OnSent = (api, campaign, at) =>
        {
            if (campaign == "c")
            {
                lock (sent)
                {
                    sent.Add(at);
                }
            }
        };

        using var stop = new CancellationTokenSource();
        async Task Loop()
        {
            try
            {
                while (true)
                {
                    await budget.AcquireStartAsync(old, 1, stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        async Task RunFor(TimeSpan span)
        {
            var end = time.GetUtcNow() + span;
            while (time.GetUtcNow() < end)
            {
                time.Advance(TimeSpan.FromMilliseconds(5));
                await Task.Delay(1); // lets the continuations the advance released run
            }
        }

        // The old batch's calls wait on the gate, several at once, for 3 s at the old rate.
        var loops = Enumerable.Range(0, 8).Select(_ => Loop()).ToList();
        await RunFor(TimeSpan.FromSeconds(3));
        var changedAt = time.GetUtcNow();

        // setRate: a batch scheduled after it passes once (on manual time, with the clock moving on).
        var first = budget.AcquireStartAsync(renewed, 1, CancellationToken.None).AsTask();
        while (!first.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            await Task.Delay(1);
        }

        await first;
        await RunFor(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        time.Advance(TimeSpan.FromSeconds(2));
        await Task.WhenAll(loops);

        List<DateTimeOffset> Between(DateTimeOffset from, DateTimeOffset to)
        {
            lock (sent)
            {
                return [.. sent.Where(at => at >= from && at < to)];
            }
        }

        // Settled (one window after the change): the old batch's requests at the new rate, never the old one.
        var after = Between(changedAt + TimeSpan.FromSeconds(1), changedAt + TimeSpan.FromSeconds(4));
        Console.WriteLine($"setRate {oldRate} -> {newRate}/s: {Between(t0, changedAt).Count} sends in 3 s before, {after.Count} in the 3 s from 1 s after; worst second after {Gates.WorstWindow(after)}");
        Assert.Equal(1, budget.CampaignGateCount);
        Assert.True(Gates.WorstWindow(after) <= newRate, $"{Gates.WorstWindow(after)} sends in one second after setRate {newRate}");
        Assert.InRange(after.Count, 2 * newRate, 3 * newRate); // (the manual clock runs ahead of the continuations it releases)
        Assert.True(Gates.WorstWindow(Between(t0, changedAt + TimeSpan.FromSeconds(4))) <= Math.Max(oldRate, newRate), "a second held more than the larger rate");
    }

    [Fact]
    public async Task CampaignGates_IdleOnes_AreForgotten()
    {
        var time = new ManualTime();
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions { Budget = new BudgetOptions { Workers = 1 } }), Options.Create(new TencentCallOptions()), time, TimeSpan.FromMinutes(1));

        // Two campaigns with caps on two APIs, and one start rate (the token buckets this replaced were never removed).
        await PassAsync(time, budget.AcquireAsync(BudgetedApi.CallInfo, new CampaignBudget("a") { CallInfo = 10 }, CancellationToken.None));
        await PassAsync(time, budget.AcquireRecordAsync(new CampaignBudget("a") { Records = 10 }, ApiGeneration.V1, byCallId: true, CancellationToken.None));
        await PassAsync(time, budget.AcquireAsync(BudgetedApi.CallInfo, new CampaignBudget("b") { CallInfo = 10 }, CancellationToken.None));
        await PassAsync(time, budget.AcquireStartAsync("b", 30, 1, CancellationToken.None));
        await PassAsync(time, budget.AcquireAsync(BudgetedApi.EndCall, new CampaignBudget("uncapped"), CancellationToken.None));
        Assert.Equal(4, budget.CampaignGateCount);

        time.Advance(TimeSpan.FromSeconds(30));
        await PassAsync(time, budget.AcquireAsync(BudgetedApi.CallInfo, new CampaignBudget("a") { CallInfo = 10 }, CancellationToken.None));
        Assert.Equal(4, budget.CampaignGateCount); // not idle for a minute yet

        time.Advance(TimeSpan.FromSeconds(45));
        await PassAsync(time, budget.AcquireAsync(BudgetedApi.CallInfo, new CampaignBudget("c") { CallInfo = 10 }, CancellationToken.None));
        Assert.Equal(2, budget.CampaignGateCount); // a's get_call_info gate (used 45 s ago) and c's

        time.Advance(TimeSpan.FromMinutes(2));
        await PassAsync(time, budget.AcquireAsync(BudgetedApi.CallInfo, new CampaignBudget("d") { CallInfo = 10 }, CancellationToken.None));
        Assert.Equal(1, budget.CampaignGateCount);
    }

    // The shared gates space requests 1/limit s apart: on manual time, a pass needs the clock moved on (by
    // milliseconds here, nothing next to the idle minute measured).
    private static async Task PassAsync(ManualTime time, ValueTask acquire)
    {
        var pass = acquire.AsTask();
        while (!pass.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            await Task.Yield();
        }

        await pass;
    }

    [Fact]
    public async Task CapWait_TellsWhenACappedCampaignMayGoAgain()
    {
        var time = new ManualTime();
        using var budget = new ApiBudget(Options.Create(new CampaignWorkerOptions { Budget = new BudgetOptions { Workers = 1 } }), Options.Create(new TencentCallOptions()), time);
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
        gate.OnSent = passed.Add; // the instants the gate counted (the clock read after the await can be 10 ms later)
        for (var i = 0; i < 12; i++)
        {
            var pass = gate.PassAsync(CancellationToken.None);
            while (!pass.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(10));
                await Task.Yield();
            }

            await pass;
        }

        // Any 5 consecutive passes are at least 1/5 s apart, and 6 never fit in one second.
        for (var i = 5; i < passed.Count; i++)
        {
            Assert.True(passed[i] - passed[i - 5] >= TimeSpan.FromSeconds(1), $"pass {i} came {passed[i] - passed[i - 5]} after pass {i - 5}");
        }
    }
}

/// <summary>The budget and its gates when the fleet's size changes at run time (pure logic, manual clock).</summary>
public sealed class ApiBudgetShareTests
{
    [Fact]
    public void Automatic_GatesStayClosedUntilAShareIsApplied_AndTheLimitIsTheLiveShare()
    {
        var time = new ManualTime();
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions()), Options.Create(new TencentCallOptions()), time);
        Assert.True(budget.Automatic);
        Assert.Equal(0, budget.LimitOf(BudgetedApi.StartCall));

        var now = time.GetUtcNow();
        budget.ApplyShare(new FleetGates(3, now, now + TimeSpan.FromSeconds(8)));
        Assert.Equal(60, budget.LimitOf(BudgetedApi.StartCall)); // 200 × 0.9 ÷ 3
        Assert.Equal(60, budget.LimitOf(BudgetedApi.Records));

        // Past the fence (the registration may have expired) the gates are closed without being told.
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(0, budget.LimitOf(BudgetedApi.CallInfo));
        budget.ApplyShare(FleetGates.Closed);
        Assert.Equal(0, budget.LimitOf(BudgetedApi.CallInfo));
    }

    [Fact]
    public void FleetKeys_BadValues_AreRefusedNamingTheKeyAndTheRule()
    {
        var problems = new CampaignWorkerOptions { Budget = new BudgetOptions { Workers = 0, HeartbeatSeconds = 0, ExpirySeconds = 3 } }.Problems();
        Assert.Contains(problems, p => p.StartsWith("Campaigns:Budget:Workers: 0 must be at least 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Campaigns:Budget:HeartbeatSeconds: 0 must be positive", StringComparison.Ordinal));

        var tooShort = new CampaignWorkerOptions { Budget = new BudgetOptions { HeartbeatSeconds = 5, ExpirySeconds = 10 } }.Problems();
        Assert.Equal(["Campaigns:Budget:ExpirySeconds: 10 must be at least 2 × Campaigns:Budget:HeartbeatSeconds + 2 (12)"], tooShort);
        Assert.Empty(new CampaignWorkerOptions().Problems()); // the defaults: automatic, 2 s, 10 s
    }

    [Fact]
    public void Fixed_WorkersSetting_OpensAtOnce()
    {
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions { Budget = new BudgetOptions { Workers = 3 } }), Options.Create(new TencentCallOptions()), new ManualTime());
        Assert.False(budget.Automatic);
        Assert.Equal(60, budget.LimitOf(BudgetedApi.StartCall));
    }

    [Fact]
    public async Task Gate_ShrunkAtRunTime_CountsWhatWasSent_NoBurst()
    {
        var time = new ManualTime();
        using var gate = new SlidingWindowGate(10, time);
        var passed = new List<DateTimeOffset>();
        var start = time.GetUtcNow();
        while (time.GetUtcNow() < start + TimeSpan.FromSeconds(3))
        {
            if (time.GetUtcNow() >= start + TimeSpan.FromSeconds(1.5))
            {
                gate.Configure(4, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
            }

            for (var n = await Gates.PassAllNowAsync(gate); n > 0; n--)
            {
                passed.Add(time.GetUtcNow());
            }

            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // Before the change 10 a second; every window that holds a pass after it holds at most 4.
        var change = start + TimeSpan.FromSeconds(1.5);
        Assert.Equal(10, Gates.WorstWindow(passed.Where(p => p < change)));
        foreach (var p in passed.Where(p => p >= change))
        {
            Assert.True(passed.Count(q => q > p - SlidingWindowGate.Window && q <= p) <= 4, $"more than 4 in the second before {p:O}");
        }

        Assert.Contains(passed, p => p >= change); // it did go on
    }

    [Fact]
    public async Task Gate_ClosedOrNotYetOpen_LetsNothingThrough_UntilReconfigured()
    {
        var time = new ManualTime();
        using var gate = new SlidingWindowGate(time);
        Assert.Equal(0, await Gates.PassAllNowAsync(gate));

        var now = time.GetUtcNow();
        gate.Configure(5, now + TimeSpan.FromSeconds(1), now + TimeSpan.FromSeconds(2));
        Assert.Equal(0, await Gates.PassAllNowAsync(gate));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Gates.PassAllNowAsync(gate)); // then spaced 1/5 s apart
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await Gates.PassAllNowAsync(gate)); // fenced

        // A waiter blocked on a closed gate goes through as soon as it is opened.
        gate.Close();
        var waiting = gate.PassAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        gate.Configure(5, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

/// <summary>Driving gates on a frozen manual clock.</summary>
internal static class Gates
{
    /// <summary>Lets through everything <paramref name="gate"/> allows at this instant; returns how many.</summary>
    public static async Task<int> PassAllNowAsync(SlidingWindowGate gate)
    {
        for (var n = 0; ; n++)
        {
            using var cancel = new CancellationTokenSource();
            var pass = gate.PassAsync(cancel.Token);
            if (!pass.IsCompleted)
            {
                await cancel.CancelAsync();
                try
                {
                    await pass;
                }
                catch (OperationCanceledException)
                {
                    return n;
                }
            }
            else
            {
                await pass;
            }
        }
    }

    /// <summary>The most of <paramref name="times"/> in any 1-second window [t, t + 1 s).</summary>
    public static int WorstWindow(IEnumerable<DateTimeOffset> times)
    {
        var sorted = times.Order().ToList();
        var worst = 0;
        for (int i = 0, j = 0; i < sorted.Count; i++)
        {
            while (sorted[i] - sorted[j] >= SlidingWindowGate.Window)
            {
                j++;
            }

            worst = Math.Max(worst, i - j + 1);
        }

        return worst;
    }
}
