using Campaigns.Simulator;
using Campaigns.Simulator.Pipeline;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;

namespace Campaigns.TencentCall.Tests.Contract;

/// <summary>The vendor's less friendly answers, and what the client makes of each: retry, slow down, or find out first.</summary>
public sealed class HarshFaultContractTests : SimulatorTest
{
    private static readonly StartCallRequest Ring = new() { RobotAccount = "robot", Callees = ["noanswer-h"], TimeoutMs = 600_000 };
    private ITencentCallClient client = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        client = Sim.CreateClient();
    }

    [Theory]
    [InlineData(Fault.Error60018, 60018, TencentErrorKind.RateLimited)]
    [InlineData(Fault.Error60011, 60011, TencentErrorKind.RateLimited)]
    [InlineData(Fault.Error70500, 70500, TencentErrorKind.Retryable)]
    public async Task StartCall_RefusedBeforeTheWork_PlacesNothing(Fault fault, long code, TencentErrorKind kind)
    {
        await Sim.ScriptFaultAsync(ApiNames.StartCallByRobot, fault);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((kind, code), (e.Kind, e.ErrorCode!.Value));
        Assert.Empty(await Sim.CallsAsync());
    }

    [Fact]
    public async Task StartCall_70169AfterThePlacing_IsRetryable_ButFlagged_AndTheCalleeIsRinging()
    {
        await Sim.ScriptFaultAsync(ApiNames.StartCallByRobot, Fault.Error70169);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Retryable, 70169L, true), (e.Kind, e.ErrorCode!.Value, e.RequestMayHaveTakenEffect));
        Assert.Equal(1, (await Sim.RingsAsync())["noanswer-h"]);
    }

    [Fact]
    public async Task StartCall_502AfterThePlacing_MayHaveTakenEffect_AndDid()
    {
        await Sim.ScriptFaultAsync(ApiNames.StartCallByRobot, Fault.PlaceThen502);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Retryable, true, (long?)null), (e.Kind, e.RequestMayHaveTakenEffect, e.ErrorCode));
        Assert.Single(await Sim.CallsAsync("noanswer-h"));
    }

    [Fact]
    public async Task AppWideLimit_CountsEveryApi_AndAnswers60011()
    {
        Sim.Options.RateLimits.AppWidePerSecond = 2;

        var kinds = new List<TencentErrorKind?>();
        for (var i = 0; i < 5; i++)
        {
            kinds.Add(await KindOf(() => client.GetCallInfoAsync("none-" + i)));
            kinds.Add(await KindOf(() => client.EndCallAsync("none-" + i)));
        }

        // Sequential requests inside one second: the first two pass (any API), the rest meet the app's limit.
        var snapshot = await Sim.RequestsAsync();
        Assert.Equal(2, snapshot.AppWide.WorstWindow);
        Assert.Equal(snapshot.AppWide.RateLimited, kinds.Count(k => k == TencentErrorKind.RateLimited));
        Assert.InRange(snapshot.AppWide.RateLimited, 1, 8);
    }

    [Fact]
    public async Task StartCall_CalleesNotRung_GetTheirNonZeroCode_AndAreNeverCountedAsRung()
    {
        Sim.Options.Scenario.NotRungRate = 1;

        var result = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = ["busy-x1", "busy-x2"] });

        Assert.Equal([70107L, 70107L], result.Callees.Select(c => c.ResultCode));
        Assert.Empty(result.Rung);
        Assert.Empty(await Sim.RingsAsync());
        var record = await Scenario.EventuallyAsync(() => Scenario.RecordOrNullAsync(client, result.CallId));
        Assert.Equal(CallResultKind.Cancel, record.Result);
    }

    [Fact]
    public async Task StartCall_AnswerWithoutCallResult_IsUnknownWithTheCallId_WhileTheCalleeRings()
    {
        Sim.Options.Scenario.NoCallResultRate = 1;

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Unknown, true), (e.Kind, e.RequestMayHaveTakenEffect));
        var placed = Assert.Single(await Sim.CallsAsync("noanswer-h"));
        Assert.Equal(placed.CallId, e.CallId);
        Assert.False((await client.GetCallInfoAsync(e.CallId!)).HasEnded);
    }

    private static async Task<TencentErrorKind?> KindOf(Func<Task> request)
    {
        try
        {
            await request();
            return null;
        }
        catch (TencentCallException e)
        {
            return e.Kind;
        }
    }
}
