using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

/// <content>The callback ledger: idempotent on the natural key, read back in event order whatever the arrival order.</content>
public abstract partial class StoreContract
{
    [Fact]
    public async Task CallEvents_SameEventThreeTimes_OneRow_TwoDuplicates()
    {
        var start = Start("c1", 1_000);

        var first = await Store.AppendCallEventsAsync([start]);
        var second = await Store.AppendCallEventsAsync([start]);
        var third = await Store.AppendCallEventsAsync([start with { Body = """{"replayed":true}""" }]);

        Assert.Equal(new CallEventsAppended(1, 0, 0), first);
        Assert.Equal(new CallEventsAppended(0, 1, 0), second);
        Assert.Equal(new CallEventsAppended(0, 1, 0), third);
        var state = (await Store.GetCallEndsAsync(["c1"]))["c1"];
        Assert.True(state.Started);
        Assert.False(state.Ended);
    }

    [Fact]
    public async Task CallEvents_EndBeforeMemberChanges_CallEnded_MemberLatestByEventTime()
    {
        // Arrival order: end, hang-up, start, accept (the reverse of what happened), each twice.
        CallEvent[] arrivals =
        [
            End("c2", 9_000, """{"CallId":"c2","CallResult":"NormalEnd"}"""),
            Member("c2", 8_000, "alice", "HangUp"),
            Start("c2", 1_000),
            Member("c2", 3_000, "alice", "Accept"),
        ];
        var results = new List<CallEventsAppended>();
        foreach (var e in arrivals.Concat(arrivals))
        {
            results.Add(await Store.AppendCallEventsAsync([e]));
        }

        Assert.Equal(4, results.Sum(r => r.Added));
        Assert.Equal(4, results.Sum(r => r.Duplicates));
        Assert.Equal(3, results.Sum(r => r.OutOfOrder)); // every event after the end arrived late
        var state = (await Store.GetCallEndsAsync(["c2", "never-seen"])).Values.Single();
        Assert.Equal(("c2", true, 9_000L), (state.CallId, state.Ended, state.EndedAtMs));
        Assert.Equal("""{"CallId":"c2","CallResult":"NormalEnd"}""", state.CallRecordJson);
        Assert.Equal(new MemberState("alice", "HangUp", 8_000), state.Members["alice"]);
    }

    [Fact]
    public async Task CallEvents_SameMillisecond_LeavingOutranksJoining_InEitherArrivalOrder()
    {
        await Store.AppendCallEventsAsync([Member("c3", 5_000, "bob", "HangUp")]);
        await Store.AppendCallEventsAsync([Member("c3", 5_000, "bob", "Accept")]);
        await Store.AppendCallEventsAsync([Member("c4", 5_000, "bob", "Accept")]);
        await Store.AppendCallEventsAsync([Member("c4", 5_000, "bob", "Reject")]);

        var states = await Store.GetCallEndsAsync(["c3", "c4"]);

        Assert.Equal("HangUp", states["c3"].Members["bob"].Action);
        Assert.Equal("Reject", states["c4"].Members["bob"].Action);
        Assert.False(states["c3"].Ended);
    }

    [Fact]
    public async Task CallEvents_OneCallbackChangingTwoMembers_TwoEvents_ManyCallsReadAtOnce()
    {
        var appended = await Store.AppendCallEventsAsync([Member("g1", 2_000, "a", "Reject"), Member("g1", 2_000, "b", "NotAnswer")]);
        var many = Enumerable.Range(0, 250).Select(i => End($"m{i}", 1_000 + i, "{}")).ToList();
        await Store.AppendCallEventsAsync(many);

        var states = await Store.GetCallEndsAsync([.. many.Select(e => e.CallId), "g1"]);

        Assert.Equal(new CallEventsAppended(2, 0, 0), appended);
        Assert.Equal(["a", "b"], states["g1"].Members.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(251, states.Count);
        Assert.All(many, e => Assert.True(states[e.CallId].Ended));
        Assert.Empty(await Store.GetCallEndsAsync([]));
    }

    [Fact]
    public async Task CallEvents_Prune_DeletesOnlyEventsReceivedBefore_InBatches()
    {
        await Store.AppendCallEventsAsync([Start("p1", 1), Start("p2", 2), Start("p3", 3)]);

        Assert.Equal(0, await Store.PruneCallEventsAsync(DateTimeOffset.UtcNow.AddHours(-1), 10));
        Assert.Equal(2, await Store.PruneCallEventsAsync(DateTimeOffset.UtcNow.AddHours(1), 2));
        Assert.Single(await Store.GetCallEndsAsync(["p1", "p2", "p3"]));
        Assert.Equal(1, await Store.PruneCallEventsAsync(DateTimeOffset.UtcNow.AddHours(1), 2));
        Assert.Empty(await Store.GetCallEndsAsync(["p1", "p2", "p3"]));
    }

    [Fact]
    public async Task CallEvents_Read_AllOfTheCallsAsked_OrOnlyThoseReceivedSince_WithoutBodies()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await Store.AppendCallEventsAsync([Start("r1", 1_000), Member("r1", 2_000, "alice", "Accept"), Start("r2", 1_500), Start("other", 1_000)]);
        await Store.AppendCallEventsAsync([End("r1", 9_000, """{"CallId":"r1"}""")]);

        var all = await Store.ReadCallEventsAsync(["r1", "r2", "never-seen"], null);
        var since = await Store.ReadCallEventsAsync(["r1", "r2"], DateTimeOffset.UtcNow.AddHours(1));
        var recent = await Store.ReadCallEventsAsync(["r1"], before);

        Assert.Equal(["r1", "r1", "r1", "r2"], all.Select(e => e.CallId).Order(StringComparer.Ordinal));
        var end = Assert.Single(all, e => e.Command == CallEventOrder.EndCommand);
        Assert.Equal(("r1", 9_000L, """{"CallId":"r1"}"""), (end.CallId, end.EventTime, end.CallRecord));
        var accept = Assert.Single(all, e => e.Member.Length > 0);
        Assert.Equal(("alice", "Accept", (string?)null), (accept.Member, accept.Action, accept.CallRecord));
        Assert.All(all, e => Assert.InRange(e.ReceivedAt, before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Empty(since);
        Assert.Equal(3, recent.Count);
        Assert.Empty(await Store.ReadCallEventsAsync([], null));
    }

    private static CallEvent Start(string callId, long at) =>
        new() { CallId = callId, Command = CallEventOrder.StartCommand, EventTimeMs = at, Body = "{}" };

    private static CallEvent End(string callId, long at, string record) =>
        new() { CallId = callId, Command = CallEventOrder.EndCommand, EventTimeMs = at, CallRecordJson = record, Body = "{}" };

    private static CallEvent Member(string callId, long at, string member, string action) =>
        new() { CallId = callId, Command = CallEventOrder.MemberCommand, EventTimeMs = at, Member = member, Action = action, Body = "{}" };
}
