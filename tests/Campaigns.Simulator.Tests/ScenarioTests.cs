using Campaigns.Simulator.Calls;
using Campaigns.TencentCall.Models;
using Campaigns.Testing;

namespace Campaigns.Simulator.Tests;

/// <summary>Callee behaviour, the clock, seeds, faults and the admin listing.</summary>
public sealed class ScenarioTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    [Fact]
    public void Planner_ThousandsOfCallees_FollowTheConfiguredRates()
    {
        var planner = new CalleePlanner(new SimulatorOptions());

        var counts = Enumerable.Range(0, 20_000)
            .Select(i => planner.Plan("c" + i, T0, TimeSpan.FromMinutes(5)).Behaviour)
            .GroupBy(b => b)
            .ToDictionary(g => g.Key, g => g.Count() / 20_000.0);

        // Defaults: answer 0.6 (a few become NotAnswer when the ring outlasts the timeout), reject 0.1, busy 0.1, offline 0.05.
        Assert.InRange(counts[CalleeBehaviour.Answer], 0.57, 0.63);
        Assert.InRange(counts[CalleeBehaviour.Reject], 0.08, 0.12);
        Assert.InRange(counts[CalleeBehaviour.Busy], 0.08, 0.12);
        Assert.InRange(counts[CalleeBehaviour.Offline], 0.035, 0.065);
        Assert.InRange(counts[CalleeBehaviour.NotAnswer], 0.13, 0.17);
    }

    [Fact]
    public void Planner_SameSeed_SameFates_InAnyOrder_AndAnotherSeedDiffers()
    {
        var callees = Enumerable.Range(0, 200).Select(i => "c" + i).ToList();
        var forward = new CalleePlanner(new SimulatorOptions { Seed = 7 });
        var backward = new CalleePlanner(new SimulatorOptions { Seed = 7 });
        var other = new CalleePlanner(new SimulatorOptions { Seed = 8 });

        var a = callees.Select(c => forward.Plan(c, T0, TimeSpan.FromMinutes(1))).ToList();
        var b = Enumerable.Reverse(callees).Select(c => backward.Plan(c, T0, TimeSpan.FromMinutes(1))).Reverse().ToList();
        var c = callees.Select(c => other.Plan(c, T0, TimeSpan.FromMinutes(1))).ToList();

        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(p => p.Behaviour), c.Select(p => p.Behaviour));
    }

    [Fact]
    public void Planner_RedialOfTheSameCallee_CanEndDifferently()
    {
        var planner = new CalleePlanner(new SimulatorOptions());

        var fates = Enumerable.Range(0, 20).Select(_ => planner.Plan("same", T0, TimeSpan.FromMinutes(1)).Behaviour).ToList();

        // Seed 42: the same callee dialled 20 times meets 5 different fates (a fixed figure, not "more than one").
        Assert.Equal(5, fates.Distinct().Count());
    }

    [Fact]
    public void Planner_RingLongerThanTimeout_IsNotAnswerAtTheTimeout()
    {
        var options = new SimulatorOptions();
        options.Scenario.RingMinSeconds = options.Scenario.RingMaxSeconds = 50;
        options.Scenario.Forced["x"] = CalleeBehaviour.Answer;

        var plan = new CalleePlanner(options).Plan("x1", T0, TimeSpan.FromSeconds(30));

        Assert.Equal((CalleeBehaviour.NotAnswer, "NotAnswer", T0.AddSeconds(30)), (plan.Behaviour, plan.Result, plan.LeaveAt));
    }

    [Fact]
    public void Planner_LongestForcedPrefixWins()
    {
        var options = new SimulatorOptions();
        options.Scenario.Forced["vip"] = CalleeBehaviour.Busy;
        options.Scenario.Forced["vip-answer"] = CalleeBehaviour.Answer;

        Assert.Equal(CalleeBehaviour.Answer, new CalleePlanner(options).Plan("vip-answer-1", T0, TimeSpan.FromMinutes(5)).Behaviour);
        Assert.Equal(CalleeBehaviour.Busy, new CalleePlanner(options).Plan("vip-1", T0, TimeSpan.FromMinutes(5)).Behaviour);
    }

    [Fact]
    public async Task TimeScale_AMinuteOfRingingPassesInAFractionOfASecond()
    {
        await using var sim = await SimulatorHost.StartAsync(o =>
        {
            o.TimeScale = 600;
            o.Scenario.Forced["n"] = CalleeBehaviour.NotAnswer;
        });
        var client = sim.CreateClient();
        var started = DateTime.UtcNow;

        var call = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "r", Callees = ["n1"], TimeoutMs = 60_000 });
        while (!(await client.GetCallInfoAsync(call.CallId)).HasEnded)
        {
            await Task.Delay(20);
        }

        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0.05, 5);
    }

    [Fact]
    public async Task Group_EndsWhenTheLastCalleeLeaves_AndIsNormalEndIfAnyoneTalked()
    {
        await using var sim = await SimulatorHost.StartAsync(o =>
        {
            o.TimeScale = 20;
            o.RecordDelaySeconds = 0;
            o.Scenario.RingMinSeconds = o.Scenario.RingMaxSeconds = 2;
            o.Scenario.TalkMinSeconds = o.Scenario.TalkMaxSeconds = 4;
            o.Scenario.Forced["a"] = CalleeBehaviour.Answer;
            o.Scenario.Forced["b"] = CalleeBehaviour.Busy;
        });
        var client = sim.CreateClient();
        var call = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "r", Callees = ["a1", "b1"] });

        var status = await client.GetCallInfoAsync(call.CallId);
        Assert.NotNull(status.ChatGroupId);
        while (!(await client.GetCallInfoAsync(call.CallId)).HasEnded)
        {
            await Task.Delay(20);
        }

        var record = await client.GetRecordByCallIdAsync(call.CallId);
        Assert.Equal((CallKind.Group, CallResultKind.NormalEnd), (record.CallType, record.Result));
        Assert.InRange((record.EndTime - record.StartTime)!.Value.TotalSeconds, 5, 7);
    }

    [Fact]
    public async Task FaultRates_ApplyOnlyToTheNamedApis()
    {
        await using var sim = await SimulatorHost.StartAsync();
        await sim.SetFaultsAsync(new FaultRates { Error101001Rate = 1, Apis = [ApiNames.StartCallByRobot] });
        var client = sim.CreateClient();

        var e = await Assert.ThrowsAsync<TencentCall.Errors.TencentCallException>(
            () => client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "r", Callees = ["x"] }));
        Assert.Equal((TencentCall.Errors.TencentErrorKind.Retryable, 101001L, false), (e.Kind, e.ErrorCode!.Value, e.RequestMayHaveTakenEffect));
        Assert.True((await client.GetCallInfoAsync("none")).HasEnded);
    }

    [Fact]
    public async Task Latency_DelaysEveryAnswerByAtLeastTheConfiguredTime()
    {
        await using var sim = await SimulatorHost.StartAsync(o => o.Faults = new FaultRates { LatencyMs = 300 });
        var client = sim.CreateClient();
        await client.GetCallInfoAsync("warm-up");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await client.GetCallInfoAsync("none");

        // A lower bound only: the point is that the delay is injected, not how fast the machine is.
        Assert.True(watch.ElapsedMilliseconds >= 290, $"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task AdminRings_CountsEveryRingPerCallee()
    {
        await using var sim = await SimulatorHost.StartAsync();
        var client = sim.CreateClient();

        await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "r", Callees = ["x", "y"] });
        await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "r", Callees = ["x"] });

        var rings = await sim.RingsAsync();
        Assert.Equal(2, rings["x"]);
        Assert.Equal(1, rings["y"]);
        Assert.Equal(2, (await sim.CallsAsync("x")).Count);
        Assert.Equal(2, (await sim.RequestsAsync()).Apis[ApiNames.StartCallByRobot].Total);
    }
}
