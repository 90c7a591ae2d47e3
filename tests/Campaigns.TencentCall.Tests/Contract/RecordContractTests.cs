using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;

namespace Campaigns.TencentCall.Tests.Contract;

public sealed class RecordContractTests : SimulatorTest
{
    [Theory]
    [InlineData(ApiGeneration.V4)]
    [InlineData(ApiGeneration.V1)]
    public async Task GetRecord_BeforeTheRecordDelay_IsNotFoundYet_ThenTheRecordArrives(ApiGeneration generation)
    {
        var client = Sim.CreateClient(o => o.RecordsApi = generation);

        // Still ringing (a minute: six real seconds), so its record cannot exist yet however loaded the machine.
        var ringing = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = ["noanswer-r0"], TimeoutMs = 60_000 });
        var early = await Assert.ThrowsAsync<TencentCallException>(() => client.GetRecordByCallIdAsync(ringing.CallId));
        Assert.Equal(TencentErrorKind.NotFoundYet, early.Kind);

        var call = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = ["busy-r1"], MediaType = MediaType.Video });
        var record = await Scenario.EventuallyAsync(() => Scenario.RecordOrNullAsync(client, call.CallId));
        Assert.Equal(call.CallId, record.CallId);
        Assert.Equal("robot", record.Caller);
        Assert.Equal(["busy-r1"], record.Callees); // the robot is never an outcome's callee…
        Assert.Equal(["robot", "busy-r1"], record.Members); // …though the vendor's member list names it
        Assert.Equal(CallResultKind.CallBusy, record.Result);
        Assert.Equal(MediaType.Video, record.MediaType);
        Assert.Equal(CallKind.OneToOne, record.CallType);
        Assert.Equal(generation == ApiGeneration.V4 ? ApiGeneration.V4 : ApiGeneration.V1, record.Source);
        Assert.Equal(generation == ApiGeneration.V4 ? "CallBusy" : "call_busy", record.RawResult);
        Assert.Contains(call.CallId, record.RawJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApiGeneration.V4)]
    [InlineData(ApiGeneration.V1)]
    public async Task GetRecordsByFilter_PagesThroughThePeriod(ApiGeneration generation)
    {
        var client = Sim.CreateClient(o => o.RecordsApi = generation);
        var ids = new List<string>();
        foreach (var callee in new[] { "busy-f1", "busy-f2", "reject-f3" })
        {
            ids.Add((await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = [callee] })).CallId);
        }

        var from = DateTimeOffset.UtcNow.AddHours(-1);
        var all = await Scenario.EventuallyAsync(async () =>
        {
            var page = await client.GetRecordsByFilterAsync(new RecordFilter(from, DateTimeOffset.UtcNow.AddDays(1)));
            return page.TotalNum == 3 ? page : null;
        });
        Assert.Equal(ids.Order(), all.Records.Select(r => r.CallId).Order());

        var second = await client.GetRecordsByFilterAsync(new RecordFilter(from, DateTimeOffset.UtcNow.AddDays(1), NumberPerPage: 2, Page: 2));
        Assert.Equal((2, 3L, false), (second.Page, second.TotalNum, second.HasMore));
        Assert.Single(second.Records);
    }
}
