using Campaigns.Simulator;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;

namespace Campaigns.TencentCall.Tests.Contract;

public sealed class CallEngineContractTests : SimulatorTest
{
    private ITencentCallClient client = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        client = Sim.CreateClient();
    }

    [Fact]
    public async Task StartCall_OneCallee_PlacesExactlyOneCallWithTheUserData()
    {
        var result = await client.StartCallByRobotAsync(new StartCallRequest
        {
            RobotAccount = "robot", Callees = ["answer-1"], TimeoutMs = 30_000, UserData = "attempt-7",
        });

        Assert.False(string.IsNullOrEmpty(result.CallId));
        Assert.Equal(["answer-1"], result.Rung);
        var placed = Assert.Single(await Sim.CallsAsync());
        Assert.Equal((result.CallId, "robot", "attempt-7"), (placed.CallId, placed.Robot, placed.UserData));
        Assert.Equal(1, (await Sim.RingsAsync())["answer-1"]);
    }

    [Fact]
    public async Task StartCall_Group_RingsEveryCalleeInOneCall()
    {
        var result = await client.StartCallByRobotAsync(new StartCallRequest
        {
            RobotAccount = "robot", Callees = ["answer-g1", "reject-g2", "busy-g3"], MediaType = MediaType.Video,
        });

        Assert.Equal(["answer-g1", "reject-g2", "busy-g3"], result.Callees.Select(c => c.Callee));
        Assert.All(result.Callees, c => Assert.Equal(0, c.ResultCode));
        Assert.Equal(3, Assert.Single(await Sim.CallsAsync()).Callees.Count);
    }

    [Fact]
    public async Task StartCall_InvalidRequest_IsRefusedBeforeAnythingIsSent()
    {
        var e = await Assert.ThrowsAsync<TencentCallValidationException>(() => client.StartCallByRobotAsync(new StartCallRequest
        {
            RobotAccount = "robot", Callees = ["a", "a"], TimeoutMs = 1,
        }));

        Assert.Equal(TencentErrorKind.Invalid, e.Kind);
        Assert.Equal(["CalleeList_Account", "Timeout"], e.Problems.Select(p => p.Field));
        Assert.False((await Sim.RequestsAsync()).Apis.ContainsKey(ApiNames.StartCallByRobot));
    }

    [Fact]
    public async Task GetCallInfo_AnsweredCall_GoesWaitingThenCallingThenEnded()
    {
        var call = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = ["answer-2"] });

        var first = await client.GetCallInfoAsync(call.CallId);
        Assert.Equal(ParticipantStatus.Waiting, first.Users.Single(u => u.Account == "answer-2").Status);
        Assert.True(first.AnyWaiting);

        var talking = await Scenario.EventuallyAsync(async () =>
        {
            var s = await client.GetCallInfoAsync(call.CallId);
            return s.Users.Any(u => u.Account == "answer-2" && u.Status == ParticipantStatus.Calling) ? s : null;
        });
        Assert.False(talking.AnyWaiting);

        var ended = await Scenario.EventuallyAsync(async () =>
        {
            var s = await client.GetCallInfoAsync(call.CallId);
            return s.HasEnded ? s : null;
        });
        Assert.Empty(ended.Users);

        var record = await Scenario.EventuallyAsync(() => Scenario.RecordOrNullAsync(client, call.CallId));
        Assert.Equal(CallResultKind.NormalEnd, record.Result);
        Assert.InRange(record.TalkDuration!.Value.TotalSeconds, 9, 11);
    }

    [Fact]
    public async Task GetCallInfo_UnknownCall_IsSettledNotAnError()
    {
        var status = await client.GetCallInfoAsync("no-such-call");

        Assert.True(status.HasEnded);
    }

    [Fact]
    public async Task EndCall_RingingCall_EndsIt_AndRepeatingIsHarmless()
    {
        var call = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = ["noanswer-1"], TimeoutMs = 60_000 });

        Assert.True(await client.EndCallAsync(call.CallId));
        Assert.True((await client.GetCallInfoAsync(call.CallId)).HasEnded);
        Assert.False(await client.EndCallAsync(call.CallId));

        var record = await Scenario.EventuallyAsync(() => Scenario.RecordOrNullAsync(client, call.CallId));
        Assert.Equal(CallResultKind.Cancel, record.Result);
    }

    [Theory]
    [InlineData("reject-3", CallResultKind.Reject)]
    [InlineData("busy-3", CallResultKind.CallBusy)]
    [InlineData("noanswer-3", CallResultKind.NotAnswer)]
    public async Task Record_UnansweredOutcomes_AreReported(string callee, CallResultKind expected)
    {
        var call = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = [callee], TimeoutMs = 10_000 });

        var record = await Scenario.EventuallyAsync(() => Scenario.RecordOrNullAsync(client, call.CallId));

        Assert.Equal(expected, record.Result);
        Assert.Null(record.AcceptTime);
    }

    [Fact]
    public async Task Record_OfflineCallee_RingsUntilTheTimeout_AndIsRecordedNotAnswer()
    {
        var call = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = ["offline-4"], TimeoutMs = 30_000 });

        Assert.Equal(ParticipantStatus.Waiting, (await client.GetCallInfoAsync(call.CallId)).Users.Single(u => u.Account == "offline-4").Status);
        var record = await Scenario.EventuallyAsync(() => Scenario.RecordOrNullAsync(client, call.CallId));

        // Records know no Offline: the vendor's enumeration is Cancel, Reject, NotAnswer, NormalEnd, CallBusy, Interrupt.
        Assert.Equal((CallResultKind.NotAnswer, "NotAnswer"), (record.Result, record.RawResult));
        Assert.Equal(TimeSpan.FromSeconds(30), record.EndTime - record.StartTime);
    }

    [Fact]
    public async Task StartCall_NineCallees_IsRefusedByValidation_AndTheSimulatorRefusesItToo()
    {
        var nine = Enumerable.Range(1, 9).Select(i => "busy-n" + i).ToList();

        var e = await Assert.ThrowsAsync<TencentCallValidationException>(() => client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = nine }));

        Assert.Equal("CalleeList_Account", Assert.Single(e.Problems).Field);
        var eight = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = nine[..8] });
        Assert.Equal(8, eight.Rung.Count());
    }
}
