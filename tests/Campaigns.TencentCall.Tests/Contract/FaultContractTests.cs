using System.Net;
using System.Net.Sockets;
using Campaigns.Simulator;
using Campaigns.Simulator.Pipeline;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;

namespace Campaigns.TencentCall.Tests.Contract;

public sealed class FaultContractTests : SimulatorTest
{
    private static readonly StartCallRequest Ring = new() { RobotAccount = "robot", Callees = ["noanswer-f"] };
    private ITencentCallClient client = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // The shortest timeout the options allow (it must exceed the vendor's 3 s), to keep hang tests short.
        client = Sim.CreateClient(o => o.RequestTimeout = TimeSpan.FromSeconds(3.5));
    }

    protected override void Configure(SimulatorOptions options)
    {
        base.Configure(options);
        options.Faults = new FaultRates { HangSeconds = 30 };
    }

    [Fact]
    public async Task StartCall_101001_IsRetryable_AndNothingWasPlaced()
    {
        await Sim.ScriptFaultAsync(ApiNames.StartCallByRobot, Fault.Error101001);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Retryable, 101001L, false), (e.Kind, e.ErrorCode!.Value, e.RequestMayHaveTakenEffect));
        Assert.Empty(await Sim.CallsAsync());
    }

    [Fact]
    public async Task StartCall_101001TwiceThenOk_RetryingPlacesOneCall()
    {
        await Sim.ScriptFaultAsync(ApiNames.StartCallByRobot, Fault.Error101001, count: 2);

        StartCallResult? result = null;
        var attempts = 0;
        while (result is null)
        {
            attempts++;
            try
            {
                result = await client.StartCallByRobotAsync(Ring);
            }
            catch (TencentCallException e) when (e.Kind == TencentErrorKind.Retryable && !e.RequestMayHaveTakenEffect)
            {
                // What the activity retry policy will do: 101001 means the call was not placed.
            }
        }

        Assert.Equal(3, attempts);
        Assert.Equal(1, (await Sim.RingsAsync())["noanswer-f"]);
    }

    [Fact]
    public async Task StartCall_Http502_IsRetryable_ButMayHaveTakenEffect()
    {
        await Sim.ScriptFaultAsync(ApiNames.StartCallByRobot, Fault.Http502);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal(TencentErrorKind.Retryable, e.Kind);
        Assert.True(e.RequestMayHaveTakenEffect);
        Assert.Null(e.ErrorCode);
    }

    [Fact]
    public async Task StartCall_PlacedButAnswerLost_TimesOutAsUnknown_WhileTheCalleeIsRinging()
    {
        await Sim.ScriptFaultAsync(ApiNames.StartCallByRobot, Fault.PlaceThenHang);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        // The dangerous case: the client cannot tell, and the callee was rung. A blind retry would ring twice.
        Assert.True(e.RequestMayHaveTakenEffect);
        Assert.Equal(TencentErrorKind.Retryable, e.Kind);
        var placed = Assert.Single(await Sim.CallsAsync("noanswer-f"));
        Assert.Equal("robot", placed.Robot);
    }

    [Fact]
    public async Task StartCall_Hang_TimesOutAsUnknown_AndNothingWasPlaced()
    {
        await Sim.ScriptFaultAsync(ApiNames.StartCallByRobot, Fault.Hang);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Retryable, true, (long?)null), (e.Kind, e.RequestMayHaveTakenEffect, e.ErrorCode));
        Assert.Empty(await Sim.CallsAsync());
    }

    [Fact]
    public async Task StartCall_ConnectionRefused_IsRetryable_AndCertainlyNotPlaced()
    {
        var closed = Sim.CreateClient(o => o.BaseUrl = new Uri($"http://127.0.0.1:{FreePort()}/"));

        var e = await Assert.ThrowsAsync<TencentCallException>(() => closed.StartCallByRobotAsync(Ring));

        Assert.Equal(TencentErrorKind.Retryable, e.Kind);
        Assert.False(e.RequestMayHaveTakenEffect);
    }

    [Fact]
    public async Task GetCallInfo_101001_IsRetryable()
    {
        var call = await client.StartCallByRobotAsync(Ring);
        await Sim.ScriptFaultAsync(ApiNames.GetCallInfo, Fault.Error101001);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.GetCallInfoAsync(call.CallId));

        Assert.Equal((TencentErrorKind.Retryable, 101001L, false), (e.Kind, e.ErrorCode!.Value, e.RequestMayHaveTakenEffect));
        Assert.False((await client.GetCallInfoAsync(call.CallId)).HasEnded);
    }

    [Fact]
    public async Task V1Record_InternalError_IsRetryable()
    {
        var v1 = Sim.CreateClient(o => o.RecordsApi = ApiGeneration.V1);
        await Sim.ScriptFaultAsync(ApiNames.V1RecordByCallId, Fault.Error101001);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => v1.GetRecordByCallIdAsync("any"));

        Assert.Equal((ApiGeneration.V1, TencentErrorKind.Retryable, 90001L), (e.Generation, e.Kind, e.ErrorCode!.Value));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
