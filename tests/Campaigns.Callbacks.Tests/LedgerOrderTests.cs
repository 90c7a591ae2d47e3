using Campaigns.Storage.Model;

namespace Campaigns.Callbacks.Tests;

/// <summary>Duplicates and reordering over HTTP: one ledger row per event, and the call ends whatever arrived first.</summary>
[Trait("Needs", "Temporal")]
[Collection(ReceiverTests.Name)]
public sealed class LedgerOrderTests : IAsyncLifetime
{
    private ReceiverHost host = null!;

    public async Task InitializeAsync() => host = await ReceiverHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task EndBeforeMemberChange_EachPostedThreeTimes_OneRowPerEvent_CallEnded()
    {
        const string callId = "call-7";
        (string Command, string Body)[] arrivals =
        [
            (CallEventOrder.EndCommand, $$$"""{"CallbackCommand":"Call.CallbackAfterEndCall","CallId":"{{{callId}}}","EventTime":1700000009000,"CallRecord":{"CallId":"{{{callId}}}","CallResult":"NormalEnd","CalleeList_Account":["robot","alice"]}}"""),
            (CallEventOrder.MemberCommand, $$$"""{"CallbackCommand":"Call.CallbackAfterMemberChanged","CallId":"{{{callId}}}","EventTime":1700000008000,"UserList":[],"ChangedUserList":[{"User_Account":"alice","ActionType":"HangUp"}]}"""),
            (CallEventOrder.MemberCommand, $$$"""{"CallbackCommand":"Call.CallbackAfterMemberChanged","CallId":"{{{callId}}}","EventTime":1700000003000,"UserList":[{"User_Account":"alice","Status":"Calling"}],"ChangedUserList":[{"User_Account":"alice","ActionType":"Accept"}]}"""),
            (CallEventOrder.StartCommand, $$$"""{"CallbackCommand":"Call.CallbackAfterStartCall","CallId":"{{{callId}}}","EventTime":1700000000000,"UserList":[{"User_Account":"alice","Status":"Waiting"}]}"""),
        ];

        using var metrics = new MetricsProbe();
        for (var round = 0; round < 3; round++)
        {
            foreach (var (command, body) in arrivals)
            {
                var (status, envelope) = await host.PostAsync(command, body);
                Assert.Equal((200, 0L), (status, (long)envelope!["ErrorCode"]!));
            }
        }

        Assert.Equal((4L, 8L, 3L), (metrics["campaigns.callbacks.events"], metrics["campaigns.callbacks.duplicates"], metrics["campaigns.callbacks.out_of_order"]));
        Assert.Equal(2, metrics["campaigns.callbacks.events/" + CallEventOrder.MemberCommand]);
        var state = (await host.Store.GetCallEndsAsync([callId]))[callId];
        Assert.True(state.Ended);
        Assert.True(state.Started);
        Assert.Equal(1700000009000, state.EndedAtMs);
        Assert.Contains("\"NormalEnd\"", state.CallRecordJson, StringComparison.Ordinal);
        Assert.Equal(new MemberState("alice", "HangUp", 1700000008000), state.Members["alice"]);

        await using var conn = new Microsoft.Data.Sqlite.SqliteConnection(host.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM call_events WHERE call_id = 'call-7'";
        Assert.Equal(4L, (long)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task VendorSamples_EndWithCallIdOnlyInTheRecord_MemberChangeWithAnswer_Accepted()
    {
        // The vendor's own samples (with the comma their pages leave out before EventTime).
        const string end = """{"CallbackCommand":"Call.CallbackAfterEndCall","CallRecord": {"CallId": "055662e1-bc8a-469c-a334-1126c8c17d58","Caller_Account": "10001","MediaType": "Audio","CallType": "SingleCall","StartTime": 1741231146,"EndTime": 1741231296,"AcceptTime": 0,"CallResult": "NotAnswer","CalleeList_Account": ["10001", "user2"],"RoomId": "roomid-1434","RoomIdType": 2},"EventTime":1703589922780}""";
        const string member = """{"CallbackCommand":"Call.CallbackAfterMemberChanged","CallId":"055662e1-bc8a-469c-a334-1126c8c17d58","UserList":[{"User_Account":"user1","Status":"Calling"},{"User_Account":"user2","Status":"Calling"}],"ChangedUserList":[{"User_Account":"user2","ActionType":"Answer"}],"EventTime":1740464128807}""";

        Assert.Equal(200, (await host.PostAsync(CallEventOrder.EndCommand, end)).Status);
        Assert.Equal(200, (await host.PostAsync(CallEventOrder.MemberCommand, member)).Status);
        var (status, envelope) = await host.PostAsync(CallEventOrder.EndCommand, end.Replace("\"CallRecord\"", "\"CallId\":\"another\",\"CallRecord\"", StringComparison.Ordinal));

        Assert.Equal((400, 19008L), (status, (long)envelope!["ErrorCode"]!));
        var state = (await host.Store.GetCallEndsAsync(["055662e1-bc8a-469c-a334-1126c8c17d58"])).Values.Single();
        Assert.True(state.Ended);
        Assert.Contains("\"NotAnswer\"", state.CallRecordJson, StringComparison.Ordinal);
        Assert.Equal("Answer", state.Members["user2"].Action);
    }
}
