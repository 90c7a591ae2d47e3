using Campaigns.Activities;
using Campaigns.Activities.Records;
using Campaigns.Activities.Watching;
using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.Callbacks.Tests;

/// <summary>
/// The watcher and the record finder reading the ledger (issue 19 part 3), on a SQLite store and a fake vendor
/// whose calls never end by poll unless told: a call whose end is in the ledger ends unpolled with the callback's
/// record; a call that keeps sending events is not polled; a silent one is; with callbacks off nothing changes.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(ReceiverTests.Name)]
public sealed class LedgerWatchTests : IAsyncLifetime
{
    private const string Record = """
        {"CallId":"CALL","Caller_Account":"robot","MediaType":"Audio","CallType":"SingleCall","StartTime":1700000000,
         "EndTime":1700000030,"AcceptTime":1700000005,"CallResult":"NormalEnd","CalleeList_Account":["robot","alice"]}
        """;

    private readonly string folder = Directory.CreateTempSubdirectory("ledger-watch-").FullName;
    private readonly FakeVendor vendor = new();
    private IOutcomeStore store = null!;

    public async Task InitializeAsync()
    {
        store = OutcomeStores.Create("Data Source=" + Path.Combine(folder, "l.db"));
        await store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (store is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task EndInLedger_WatchEndsUnpolled_RecordTakenFromTheCallback()
    {
        await using var services = Services(useCallbacks: true, silenceSeconds: 600, firstPollSeconds: 5);
        var watcher = services.GetRequiredService<CallWatcher>();
        var finder = services.GetRequiredService<RecordFinder>();
        var watch = watcher.WaitForEndAsync(new WatchedCall("c1") { Robot = "robot" }, CancellationToken.None);

        await store.AppendCallEventsAsync([Event("c1", CallEventOrder.EndCommand, Record.Replace("CALL", "c1", StringComparison.Ordinal))]);
        var status = await watch.WaitAsync(TimeSpan.FromSeconds(30));
        var record = await finder.FetchAsync("c1", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, null, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(status.HasEnded);
        Assert.Equal((CallResultKind.NormalEnd, "c1"), (record!.Result, record.CallId));
        Assert.Equal(["alice"], record.Callees);
        Assert.Equal(0, vendor.Polls);
        Assert.Equal(0, vendor.RecordRequests);
        Assert.True(watcher.PollsAvoided >= 1);
    }

    [Fact]
    public async Task EndBeforeTheWatch_ReadOnTheFirstRound_NoPoll()
    {
        await store.AppendCallEventsAsync([Event("early", CallEventOrder.EndCommand, Record.Replace("CALL", "early", StringComparison.Ordinal))]);
        await using var services = Services(useCallbacks: true, silenceSeconds: 600, firstPollSeconds: 5);

        var status = await services.GetRequiredService<CallWatcher>().WaitForEndAsync(new WatchedCall("early"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(status.HasEnded);
        Assert.Equal(0, vendor.Polls);
    }

    [Fact]
    public async Task EventsKeepComing_NotPolled_ThenSilent_PolledAsToday()
    {
        await using var services = Services(useCallbacks: true, silenceSeconds: 3, firstPollSeconds: 1);
        var watcher = services.GetRequiredService<CallWatcher>();
        vendor.EndOnPoll = true;
        await store.AppendCallEventsAsync([Event("c2", CallEventOrder.StartCommand, null, at: 900)]);
        var watch = watcher.WaitForEndAsync(new WatchedCall("c2") { Robot = "robot" }, CancellationToken.None);

        // Events every 300 ms for 4 s: the call is never silent for the 3 s bound (polls due from 1 s on without callbacks).
        for (var i = 0; i < 13; i++)
        {
            await store.AppendCallEventsAsync([Event("c2", CallEventOrder.MemberCommand, null, member: "alice", action: i % 2 == 0 ? "Invite" : "Accept", at: 1_000 + i)]);
            await Task.Delay(300);
        }

        var pollsWhileTalking = vendor.Polls;
        var status = await watch.WaitAsync(TimeSpan.FromSeconds(30)); // then silence: polled, ended by the poll

        Assert.Equal(0, pollsWhileTalking);
        Assert.True(status.HasEnded);
        Assert.Equal(1, vendor.Polls);
        Assert.True(watcher.PollsAvoided > 0);
    }

    [Fact]
    public async Task EveryCalleeLeftButNoEnd_PolledSoonAfter_NotAfterTheWholeSilence()
    {
        await using var services = Services(useCallbacks: true, silenceSeconds: 600, timeScale: 10, firstPollSeconds: 1);
        vendor.EndOnPoll = true;
        var watch = services.GetRequiredService<CallWatcher>().WaitForEndAsync(new WatchedCall("c3") { Robot = "robot" }, CancellationToken.None);

        // Alice hung up; the robot, still in, is no callee; the end's callback is lost.
        await store.AppendCallEventsAsync([
            Event("c3", CallEventOrder.MemberCommand, null, member: "alice", action: "HangUp", at: 2_000),
            Event("c3", CallEventOrder.MemberCommand, null, member: "robot", action: "Accept", at: 2_000)]);

        var status = await watch.WaitAsync(TimeSpan.FromSeconds(30)); // 3 s grace at time scale 10 (0.3 s); the silence would be 60 s

        Assert.True(status.HasEnded);
        Assert.Equal(1, vendor.Polls);
    }

    [Fact]
    public async Task NothingHeardOfTheCall_PolledAsWithoutCallbacks_NotAfterTheSilence()
    {
        // A receiver the vendor never posts to (set_callback not done, or the start's callback lost): the schedule holds.
        await using var services = Services(useCallbacks: true, silenceSeconds: 600);
        vendor.EndOnPoll = true;

        var status = await services.GetRequiredService<CallWatcher>().WaitForEndAsync(new WatchedCall("c6"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(status.HasEnded);
        Assert.Equal(1, vendor.Polls);
    }

    [Fact]
    public async Task CallbacksOff_LedgerNeverRead_PolledAsToday()
    {
        await store.AppendCallEventsAsync([Event("c4", CallEventOrder.EndCommand, Record.Replace("CALL", "c4", StringComparison.Ordinal))]);
        await using var services = Services(useCallbacks: false, silenceSeconds: 600);
        vendor.EndOnPoll = true;

        var status = await services.GetRequiredService<CallWatcher>().WaitForEndAsync(new WatchedCall("c4"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(status.HasEnded);
        Assert.Equal(1, vendor.Polls);
        Assert.False(services.GetRequiredService<CallLedgerFeed>().Enabled);
        Assert.Equal(0, services.GetRequiredService<CallLedgerFeed>().Count);
    }

    [Fact]
    public async Task EndWithoutAUsableRecord_RecordAskedOfTheApi()
    {
        await store.AppendCallEventsAsync([Event("c5", CallEventOrder.EndCommand, """{"CallId":"c5"}""")]);
        await using var services = Services(useCallbacks: true, silenceSeconds: 600, firstPollSeconds: 5);

        var status = await services.GetRequiredService<CallWatcher>().WaitForEndAsync(new WatchedCall("c5"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var record = await services.GetRequiredService<RecordFinder>()
            .FetchAsync("c5", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(status.HasEnded);
        Assert.Equal(0, vendor.Polls);
        Assert.Equal(1, vendor.RecordRequests);
        Assert.Equal(CallResultKind.Reject, record!.Result); // the vendor's answer, not a guess from the callback
    }

    private ServiceProvider Services(bool useCallbacks, double silenceSeconds, double timeScale = 1, double firstPollSeconds = 0.05)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(store);
        services.AddSingleton<ITencentCallClient>(vendor);
        services.AddOptions<TencentCallOptions>();
        services.AddCampaignActivities(o =>
        {
            o.Budget.Workers = 1;
            o.Watch.TimeScale = timeScale;
            o.Watch.FirstPollSeconds = firstPollSeconds * timeScale;
            o.Watch.MaxPollIntervalSeconds = 0.2 * timeScale;
            o.Watch.RecordDelaySeconds = 0.05 * timeScale;
            o.Watch.RecordsByFilter = false;
            o.Watch.UseCallbacks = useCallbacks;
            o.Watch.CallbackSilenceSeconds = silenceSeconds;
        });
        return services.BuildServiceProvider();
    }

    private static CallEvent Event(string callId, string command, string? record, string member = "", string action = "", long at = 5_000) => new()
    {
        CallId = callId, Command = command, EventTimeMs = at, Member = member, Action = action, CallRecordJson = record, Body = "{}",
    };

    /// <summary>A vendor whose calls are live at every poll (or end at the first, <see cref="EndOnPoll"/>); records say Reject.</summary>
    private sealed class FakeVendor : ITencentCallClient
    {
        private int polls;
        private int records;

        public bool EndOnPoll { get; set; }

        public int Polls => Volatile.Read(ref polls);

        public int RecordRequests => Volatile.Read(ref records);

        public Task<CallStatus> GetCallInfoAsync(string callId, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref polls);
            return Task.FromResult(EndOnPoll ? CallStatus.Ended(callId) : new CallStatus(callId, false, null, null, null, null, []));
        }

        public Task<CallRecord> GetRecordByCallIdAsync(string callId, ApiGeneration? generation, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref records);
            return Task.FromResult(new CallRecord { CallId = callId, Result = CallResultKind.Reject, RawResult = "Reject" });
        }

        public Task<CallRecord> GetRecordByCallIdAsync(string callId, CancellationToken cancellationToken = default) => GetRecordByCallIdAsync(callId, null, cancellationToken);

        public Task<StartCallResult> StartCallByRobotAsync(StartCallRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> EndCallAsync(string callId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, ApiGeneration? generation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord?> FindRecordByRoomAsync(RecordLookup lookup, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord?> FindRecordByRoomAsync(RecordLookup lookup, ApiGeneration? generation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord?> FindRecordByRoomAsync(
            RecordLookup lookup, ApiGeneration? generation, Func<CancellationToken, ValueTask>? beforeEachPage, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
