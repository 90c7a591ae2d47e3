using Campaigns.TencentCall.Models;

namespace Campaigns.TencentCall.Tests.Contract;

/// <summary>
/// Finding a placed call without its CallId, as production must when a start answer was lost: by the
/// robot, the callees and the per-attempt RoomId, through the by-filter records over a time window.
/// </summary>
public sealed class RoomLookupContractTests : SimulatorTest
{
    [Theory]
    [InlineData(ApiGeneration.V4)]
    [InlineData(ApiGeneration.V1)]
    public async Task FindRecordByRoom_PagesUntilItFindsTheAttemptsRoom(ApiGeneration generation)
    {
        var client = Sim.CreateClient(o => o.RecordsApi = generation);
        var from = await Sim.NowAsync(); // records are on the simulator's clock
        string? wanted = null;
        for (var i = 0; i < 7; i++)
        {
            // Same robot and callee every time: only the RoomId tells the attempts apart.
            var call = await client.StartCallByRobotAsync(new StartCallRequest
            {
                RobotAccount = "robot", Callees = ["busy-l"], RoomId = "attempt-" + i, RoomIdType = 2,
            });
            wanted = i == 5 ? call.CallId : wanted;
        }

        var to = await Sim.NowAsync();
        var lookup = new RecordLookup { RobotAccount = "robot", Callees = ["busy-l"], RoomId = "attempt-5", From = from, To = to, NumberPerPage = 2 };

        var found = await Scenario.EventuallyAsync(() => client.FindRecordByRoomAsync(lookup));

        Assert.Equal((wanted, "attempt-5"), (found.CallId, found.RoomId));
        Assert.Equal(["busy-l"], found.Callees);
        Assert.Null(await client.FindRecordByRoomAsync(lookup with { RoomId = "attempt-never-sent" }));
        Assert.Null(await client.FindRecordByRoomAsync(lookup with { Callees = ["someone-else"] }));
    }

    [Fact]
    public async Task FindRecordByRoom_CallsBeforeEachPage_OncePerPageRequest()
    {
        // A lookup may read many pages, each a request the vendor counts: the caller's budget must see each one.
        var client = Sim.CreateClient();
        var from = await Sim.NowAsync();
        for (var i = 0; i < 7; i++)
        {
            await client.StartCallByRobotAsync(new StartCallRequest
            {
                RobotAccount = "robot", Callees = ["busy-l"], RoomId = "paged-" + i, RoomIdType = 2,
            });
        }

        var to = await Sim.NowAsync();
        var lookup = new RecordLookup { RobotAccount = "robot", Callees = ["busy-l"], RoomId = "paged-never-sent", From = from, To = to, NumberPerPage = 2 };
        await Scenario.EventuallyAsync(() => client.FindRecordByRoomAsync(lookup with { RoomId = "paged-6" }));
        var before = (await Sim.RequestsAsync()).Apis[Simulator.ApiNames.V4RecordsByFilter].Total;

        var calls = 0;
        Assert.Null(await client.FindRecordByRoomAsync(lookup, null, _ =>
        {
            calls++;
            return ValueTask.CompletedTask;
        }));

        var pages = (await Sim.RequestsAsync()).Apis[Simulator.ApiNames.V4RecordsByFilter].Total - before;
        Assert.True(pages >= 2, $"7 records 2 per page read in {pages} pages");
        Assert.Equal(pages, calls);
    }

    [Fact]
    public async Task StringRoomId_ComesBackInTheRecord_WithItsType()
    {
        var client = Sim.CreateClient();
        var call = await client.StartCallByRobotAsync(new StartCallRequest
        {
            RobotAccount = "robot", Callees = ["reject-room"], RoomId = "campaign-9/attempt-1", RoomIdType = 2,
        });

        var record = await Scenario.EventuallyAsync(() => Scenario.RecordOrNullAsync(client, call.CallId));

        Assert.Equal(("campaign-9/attempt-1", 2), (record.RoomId, record.RoomIdType));
    }
}
