using Campaigns.Testing;

namespace Campaigns.Storage.Tests;

/// <content>The fleet registry (<see cref="IFleetRegistry"/>), which every store is too.</content>
public abstract partial class StoreContract
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private IFleetRegistry Fleet => (IFleetRegistry)Store;

    [Fact]
    public async Task Fleet_Join_RegistersOnTheDatabaseClock_AndHeartbeatsExtendIt()
    {
        var joined = await Fleet.JoinAsync("a", Minute);

        var a = Assert.Single(joined.Members);
        Assert.Equal(("a", 1L, 1L), (a.MemberId, a.JoinedVersion, a.AcknowledgedVersion));
        Assert.Equal(joined.Now, a.HeartbeatAt); // the database's clock, read once per operation
        Assert.Equal(joined.Now + Minute, a.ExpiresAt);
        Assert.InRange(joined.Now, DateTimeOffset.UtcNow - Minute, DateTimeOffset.UtcNow + Minute);

        var beat = await Fleet.HeartbeatAsync("a", 1, Minute);
        Assert.NotNull(beat);
        Assert.True(beat.Find("a")!.HeartbeatAt >= a.HeartbeatAt);
        Assert.Equal(beat.Now + Minute, beat.Find("a")!.ExpiresAt);
        Assert.Null(await Fleet.HeartbeatAsync("never-joined", 0, Minute));
    }

    [Fact]
    public async Task Fleet_ExpiryIsByTheDatabaseClock_AndAnExpiredMemberMustJoinAgain()
    {
        await Fleet.JoinAsync("a", Minute);
        await Fleet.JoinAsync("b", TimeSpan.FromMilliseconds(300));
        var other = (IFleetRegistry)SecondStore();

        // Polled (no sleep): b's row disappears once the database's clock passes its expiry.
        FleetView? seen = null;
        await Eventually.TrueAsync(async () => (seen = await other.HeartbeatAsync("a", 0, Minute))?.Find("b") is null, "b expired", 30);
        Assert.Equal(["a"], seen!.Members.Select(m => m.MemberId));

        // A heartbeat does not revive it (the others may have taken its share): it joins again, a new version.
        Assert.Null(await Fleet.HeartbeatAsync("b", 2, Minute));
        var again = await Fleet.JoinAsync("b", Minute);
        Assert.Equal(3, again.Find("b")!.JoinedVersion);

        // An expired row still in the table (no one looked since) is refused as well.
        await ExecuteAsync("UPDATE fleet_members SET heartbeat_ms = heartbeat_ms - 120000, expires_ms = expires_ms - 120000 WHERE member_id = 'a'");
        Assert.Null(await Fleet.HeartbeatAsync("a", 3, Minute));
        Assert.Equal(["b"], (await Fleet.HeartbeatAsync("b", 3, Minute))!.Members.Select(m => m.MemberId));
    }

    [Fact]
    public async Task Fleet_Leave_RemovesTheMemberAtOnce_AndTwiceIsHarmless()
    {
        await Fleet.JoinAsync("a", Minute);
        await Fleet.JoinAsync("b", Minute);

        await Fleet.LeaveAsync("b");
        await Fleet.LeaveAsync("b");

        Assert.Equal(["a"], (await Fleet.HeartbeatAsync("a", 2, Minute))!.Members.Select(m => m.MemberId));
        Assert.Null(await Fleet.HeartbeatAsync("b", 2, Minute));
    }

    [Fact]
    public async Task Fleet_Acknowledgements_AreRecordedPerMember_AndNeverGoBack()
    {
        await Fleet.JoinAsync("a", Minute);
        var withB = await Fleet.JoinAsync("b", Minute);

        // b acknowledges its own version; a has not seen b yet.
        Assert.Equal([("a", 1L, 1L), ("b", 2L, 2L)], withB.Members.Select(m => (m.MemberId, m.JoinedVersion, m.AcknowledgedVersion)));
        Assert.Equal(2, withB.Version);

        var acked = await Fleet.HeartbeatAsync("a", 2, Minute);
        Assert.Equal(2, acked!.Find("a")!.AcknowledgedVersion);
        var lower = await Fleet.HeartbeatAsync("a", 1, Minute);
        Assert.Equal(2, lower!.Find("a")!.AcknowledgedVersion);

        // Versions only grow: a member leaving does not free its version for the next one to join.
        await Fleet.LeaveAsync("b");
        Assert.Equal(3, (await Fleet.JoinAsync("c", Minute)).Find("c")!.JoinedVersion);

        // Joining again under the same id is a new version, acknowledged afresh.
        var rejoined = await Fleet.JoinAsync("a", Minute);
        Assert.Equal((4L, 4L), (rejoined.Find("a")!.JoinedVersion, rejoined.Find("a")!.AcknowledgedVersion));
    }

    [Fact]
    public async Task Fleet_JoinReclaimingADeadMember_TakesItsRowAndShare_WithoutANewVersion()
    {
        await Fleet.JoinAsync("a", Minute);
        await Fleet.JoinAsync("dead", Minute);
        await Fleet.HeartbeatAsync("a", 2, Minute); // a acknowledged dead's version: its share is reserved

        var view = await Fleet.JoinAsync("heir", Minute, ["gone-long-ago", "dead"]);

        Assert.Equal("dead", view.Reclaimed);
        Assert.Equal([("a", 1L, 2L), ("heir", 2L, 2L)], view.Members.Select(m => (m.MemberId, m.JoinedVersion, m.AcknowledgedVersion)));
        Assert.Equal(2, view.Version); // nobody has a new version to acknowledge
        Assert.Null(await Fleet.HeartbeatAsync("dead", 2, Minute));
        Assert.NotNull(await Fleet.HeartbeatAsync("heir", 2, Minute));

        // Nothing of the dead left live: an ordinary join.
        var next = await Fleet.JoinAsync("newcomer", Minute, ["dead", "gone-long-ago"]);
        Assert.Null(next.Reclaimed);
        Assert.Equal(3, next.Find("newcomer")!.JoinedVersion);
    }

    [Fact]
    public async Task Fleet_ReclaimingAnExpiredMember_IsAnOrdinaryJoin()
    {
        await Fleet.JoinAsync("dead", TimeSpan.FromMilliseconds(300));
        await Eventually.TrueAsync(async () => (await ((IFleetRegistry)SecondStore()).JoinAsync("probe", Minute)).Find("dead") is null, "dead expired", 30);

        var view = await Fleet.JoinAsync("heir", Minute, ["dead"]);

        Assert.Null(view.Reclaimed);
        Assert.Equal(view.Version, view.Find("heir")!.JoinedVersion);
    }

    [Fact]
    public async Task Fleet_EightConcurrentJoins_TakeDistinctVersions_AndEachSeesEveryEarlierOne()
    {
        var second = (IFleetRegistry)SecondStore();
        var joins = Enumerable.Range(0, 8).Select(i => Task.Run(() => (i % 2 == 0 ? Fleet : second).JoinAsync("w" + i, Minute)));
        var views = await Bounded(Task.WhenAll(joins));

        var versions = views.Select((v, i) => v.Find("w" + i)!.JoinedVersion).Order().ToList();
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], versions);

        // Joins commit in version order: whoever holds version v sees every member with a lower one.
        foreach (var (view, i) in views.Select((v, i) => (v, i)))
        {
            var mine = view.Find("w" + i)!.JoinedVersion;
            Assert.Equal(Enumerable.Range(1, (int)mine).Select(n => (long)n), view.Members.Select(m => m.JoinedVersion).Where(n => n <= mine));
        }

        Assert.Equal(8, (await Fleet.HeartbeatAsync("w0", 0, Minute))!.Members.Count);
    }
}
