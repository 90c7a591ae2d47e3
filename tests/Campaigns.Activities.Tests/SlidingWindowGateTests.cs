using System.Diagnostics;
using Campaigns.Activities.Budget;
using Campaigns.Activities.Caps;
using Campaigns.TencentCall;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Campaigns.Activities.Tests;

/// <summary>The gate's running timeline (pure logic on a manual clock, and one printed real-clock figure).</summary>
public sealed class SlidingWindowGateTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(180)]
    [InlineData(7)]
    public async Task TenThousandRequests_TakeTenThousandOverTheLimitSeconds_NoWindowOverTheLimit(int limit)
    {
        var time = new ManualTime();
        using var gate = new SlidingWindowGate(limit, time);
        var sent = new List<DateTimeOffset>();
        gate.OnSent = sent.Add; // under the gate's lock
        var start = time.GetUtcNow();

        await RunAsync(time, gate, requests: 10_000, loops: 16);

        Assert.Equal(10_000, sent.Count);
        var took = (sent[^1] - start).TotalSeconds;
        var expected = 10_000.0 / limit;
        output.WriteLine($"{limit}/s: 10,000 requests took {took:F3} s (expected {expected:F3}), worst window {Gates.WorstWindow(sent)}");
        Assert.InRange(took, expected * 0.99, expected * 1.01);
        Assert.True(Gates.WorstWindow(sent) <= limit, $"{Gates.WorstWindow(sent)} requests in one second");
    }

    [Fact]
    public async Task LateWaker_CatchesUpAtMostMaxLag_NoWindowOverTheLimit()
    {
        const int limit = 180;
        var time = new ManualTime();
        using var gate = new SlidingWindowGate(limit, time);
        var sent = new List<DateTimeOffset>();
        gate.OnSent = sent.Add;
        var start = time.GetUtcNow();
        var jumpAt = start + TimeSpan.FromSeconds(1);
        var jumped = DateTimeOffset.MinValue;

        // 100 waiters queued at once; after a second the clock jumps 300 ms past the head's slot (a late wake: 54 slots).
        await RunAsync(time, gate, requests: 1_500, loops: 100, (now, due) =>
        {
            if (jumped == DateTimeOffset.MinValue && due >= jumpAt)
            {
                jumped = due + TimeSpan.FromMilliseconds(300);
                return jumped;
            }

            return due;
        });

        var atJump = sent.Count(t => t == jumped);
        var worst = Gates.WorstWindow(sent);
        output.WriteLine($"late wake: {atJump} requests caught up at the jump, worst window {worst}");

        // The slots the late wake skipped are caught up at once, but only MaxLag's worth (9 at 180/s): a stall's
        // slots are lost rather than sent in a burst the vendor could count in one second with the requests
        // delayed by the same stall. No second ever holds more than the limit.
        Assert.InRange(atJump, 1, (int)(limit * SlidingWindowGate.MaxLag.TotalSeconds) + 1);
        Assert.True(worst <= limit, $"{worst} requests in one second");

        // And the timeline goes on at the limit: the window forbids anything until the catch-up leaves it, then
        // requests are spaced 1/limit s again (no recurring burst).
        var after = sent.Where(t => t > jumped + TimeSpan.FromSeconds(1.1)).ToList();
        Assert.True(after.Count > 400);
        var rate = (after.Count - 1) / (after[^1] - after[0]).TotalSeconds;
        Assert.InRange(rate, limit * 0.99, limit * 1.01);
        var together = after.Zip(after.Skip(1)).Count(p => p.First == p.Second);
        output.WriteLine($"late wake: from 1.1 s after it, {after.Count} requests at {rate:F1}/s, {together} left at the same instant as the one before");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(5)]
    public async Task RecheckStart_TakesNoSlot_TheStartsBehindKeepTheirs(int? cap)
    {
        var time = new ManualTime();
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions { Budget = new BudgetOptions { StartCallsPerSecond = 10, Headroom = 1, Workers = 1 } }),
            Options.Create(new TencentCallOptions()),
            time);
        var sent = new List<DateTimeOffset>();
        budget.OnSent = (api, campaign, at) =>
        {
            if (api == BudgetedApi.StartCall && campaign is null)
            {
                lock (sent)
                {
                    sent.Add(at);
                }
            }
        };
        var campaign = new CampaignBudget("c") { StartCall = cap };
        var t0 = time.GetUtcNow();
        await budget.AcquireStartAsync(campaign, 1, CancellationToken.None);
        var passed = time.GetUtcNow();

        // Two more starts wait; the first one's claim takes 150 ms, then it is re-checked, not acquired again.
        var b = budget.AcquireStartAsync(campaign, 1, CancellationToken.None).AsTask();
        await Task.Delay(20);
        var c = budget.AcquireStartAsync(campaign, 1, CancellationToken.None).AsTask();
        await StepAsync(time, TimeSpan.FromMilliseconds(150));
        var recheck = budget.RecheckStartAsync(campaign, passed, CancellationToken.None).AsTask();
        await recheck.WaitAsync(TimeSpan.FromSeconds(10)); // no clock movement needed: the window has room
        await StepAsync(time, TimeSpan.FromMilliseconds(450));
        await Task.WhenAll(b, c).WaitAsync(TimeSpan.FromSeconds(10));

        // 10/s shared (and 5/s for the capped campaign): b and c keep the slots they had without the recheck.
        var spacing = TimeSpan.FromMilliseconds(cap is null ? 100 : 200);
        var ms = sent.Order().Select(t => (t - t0).TotalMilliseconds).ToList();
        output.WriteLine($"cap {cap?.ToString() ?? "none"}: sends at {string.Join(", ", ms)} ms");
        Assert.Equal(new[] { t0, t0 + TimeSpan.FromMilliseconds(150), t0 + spacing, t0 + (2 * spacing) }.Order(), sent.Order());
    }

    [Fact]
    public async Task RecheckStart_TakesTheStalePassOutOfTheWindow_OnlyWhenToldWhen()
    {
        var time = new ManualTime();
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions { Budget = new BudgetOptions { StartCallsPerSecond = 1, Headroom = 1, Workers = 1 } }),
            Options.Create(new TencentCallOptions()),
            time);
        var campaign = new CampaignBudget("c");
        await budget.AcquireStartAsync(campaign, 1, CancellationToken.None);
        var passed = time.GetUtcNow();
        time.Advance(TimeSpan.FromMilliseconds(150));

        // 1/s: told when the stale pass was, the start counts once, now (and again at once); not told, the
        // stale pass stays counted and the re-check waits for it to leave the window.
        await budget.RecheckStartAsync(campaign, passed, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromMilliseconds(150));
        var unknown = budget.RecheckStartAsync(campaign, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(unknown.IsCompleted);
        await StepAsync(time, TimeSpan.FromMilliseconds(900));
        await unknown.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RealClock_PassesPerSecondAt180_Printed()
    {
        // A figure, not an assertion: what a 180/s gate lets through on this machine's clock over ~3 s.
        using var gate = new SlidingWindowGate(180, TimeProvider.System);
        var sent = new List<DateTimeOffset>();
        gate.OnSent = sent.Add;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, 32).Select(async _ =>
        {
            try
            {
                while (true)
                {
                    await gate.PassAsync(stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }).ToList();
        await Task.WhenAll(loops);
        var seconds = clock.Elapsed.TotalSeconds;
        lock (sent)
        {
            var line = $"real clock: gate at 180/s passed {sent.Count} in {seconds:F2} s = {sent.Count / seconds:F1}/s ({sent.Count / seconds / 180:P1} of the limit), worst 1-s window {Gates.WorstWindow(sent)}";
            output.WriteLine(line);
            Console.WriteLine(line);
        }

        // The start path (weighted turns in front of the shared gate), same figure.
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions { Budget = new BudgetOptions { Workers = 1 } }), Options.Create(new TencentCallOptions()), TimeProvider.System);
        var starts = 0;
        using var stopStarts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async i =>
        {
            try
            {
                while (true)
                {
                    await budget.AcquireStartAsync(new CampaignBudget($"c{i % 2}"), 1 + (i % 2), stopStarts.Token);
                    Interlocked.Increment(ref starts);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }));
        var line2 = $"real clock: ApiBudget start path at {budget.LimitOf(BudgetedApi.StartCall)}/s passed {starts} in {clock.Elapsed.TotalSeconds:F2} s = {starts / clock.Elapsed.TotalSeconds:F1}/s";
        output.WriteLine(line2);
        Console.WriteLine(line2);
    }

    // Runs requests through gate from loops concurrent callers, moving the clock to each timer as it is set
    // (jump may move it elsewhere: it gets now and the timer's due time and answers where to go).
    private static async Task RunAsync(ManualTime time, SlidingWindowGate gate, int requests, int loops, Func<DateTimeOffset, DateTimeOffset, DateTimeOffset>? jump = null)
    {
        var left = requests;
        var all = Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                await gate.PassAsync(CancellationToken.None);
            }
        })));
        var idle = Stopwatch.StartNew();
        while (!all.IsCompleted)
        {
            if (time.NextDue is { } due)
            {
                var now = time.GetUtcNow();
                var to = jump?.Invoke(now, due) ?? due;
                time.Advance(to > now ? to - now : TimeSpan.Zero);
                idle.Restart();
            }
            else
            {
                Assert.True(idle.Elapsed < TimeSpan.FromSeconds(30), "no progress");
                await Task.Yield();
            }
        }

        await all;
    }

    // Moves the clock on by in 10 ms steps, letting the continuations each step releases run.
    private static async Task StepAsync(ManualTime time, TimeSpan by)
    {
        for (var moved = TimeSpan.Zero; moved < by; moved += TimeSpan.FromMilliseconds(10))
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(15);
        }
    }
}
