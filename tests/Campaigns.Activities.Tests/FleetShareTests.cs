using Campaigns.Activities.Budget;
using Campaigns.Activities.Fleet;
using Campaigns.Storage;

namespace Campaigns.Activities.Tests;

/// <summary>A fleet member's share and its transitions (pure logic: the registry's answers and the times are given).</summary>
public sealed class FleetShareTests
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Alone_OpensAtOnce_UntilTheFenceBeforeExpiry()
    {
        var share = new FleetShare("a", Expiry);
        share.Joined(View(("a", 1, 1)), T0, T0 + Ms(20));

        Assert.Equal(new FleetGates(1, T0 + Ms(20), T0 + Expiry - FleetShare.FenceMargin), share.Gates);
        Assert.Equal(1, share.Applied);
    }

    [Fact]
    public void Newcomer_WaitsForEveryLiveMembersAcknowledgement_ThenOneWindowMore()
    {
        var share = new FleetShare("c", Expiry);
        share.Joined(View(("a", 1, 2), ("b", 2, 2), ("c", 3, 3)), T0, T0);
        Assert.Equal(FleetGates.Closed, share.Gates);
        Assert.Equal(3, share.Members);

        share.Observed(View(("a", 1, 3), ("b", 2, 2), ("c", 3, 3)), T0 + S(2), T0 + S(2));
        Assert.Equal(FleetGates.Closed, share.Gates); // b has not shrunk yet

        share.Observed(View(("a", 1, 3), ("b", 2, 3), ("c", 3, 3)), T0 + S(4), T0 + S(4));
        Assert.Equal(new FleetGates(3, T0 + S(5), T0 + S(4) + Expiry - FleetShare.FenceMargin), share.Gates);
        Assert.False(share.Gates.OpenAt(T0 + S(4.9)));
        Assert.True(share.Gates.OpenAt(T0 + S(5)));
    }

    [Fact]
    public void Newcomer_ASilentMemberHoldsItBack_UntilThatMemberExpires()
    {
        var share = new FleetShare("b", Expiry);
        share.Joined(View(("a", 1, 1), ("b", 2, 2)), T0, T0);
        share.Observed(View(("a", 1, 1), ("b", 2, 2)), T0 + S(8), T0 + S(8));
        Assert.Equal(FleetGates.Closed, share.Gates);

        // a's row expired (database clock): nobody else is live, b opens at once.
        share.Observed(View(("b", 2, 2)), T0 + S(12), T0 + S(12));
        Assert.Equal(new FleetGates(1, T0 + S(12), T0 + S(12) + Expiry - FleetShare.FenceMargin), share.Gates);
    }

    [Fact]
    public void Member_ShrinksAsSoonAsItSeesANewcomer_AndAcknowledgesThatVersion()
    {
        var share = new FleetShare("a", Expiry);
        share.Joined(View(("a", 1, 1)), T0, T0);
        share.Observed(View(("a", 1, 1), ("b", 2, 2)), T0 + S(2), T0 + S(2));

        Assert.Equal(2, share.Gates.Members);
        Assert.Equal(T0, share.Gates.OpenFrom); // a stays open, at the smaller share
        Assert.Equal(2, share.Applied);
    }

    [Fact]
    public void Member_GrowsOnlyOnceTheLeaversRowIsGone()
    {
        var share = new FleetShare("a", Expiry);
        share.Joined(View(("a", 1, 1)), T0, T0);
        share.Observed(View(("a", 1, 2), ("b", 2, 2)), T0 + S(2), T0 + S(2));
        share.Observed(View(("a", 1, 2), ("b", 2, 2)), T0 + S(4), T0 + S(4)); // b closed its gates, its row is still there
        Assert.Equal(2, share.Gates.Members);

        share.Observed(View(("a", 1, 2)), T0 + S(6), T0 + S(6));
        Assert.Equal(1, share.Gates.Members);
        Assert.Equal(2, share.Applied); // never goes back
    }

    [Fact]
    public void Member_WithoutASuccessfulHeartbeat_ClosesBeforeItsRowCouldExpire()
    {
        var share = new FleetShare("a", Expiry);
        share.Joined(View(("a", 1, 1)), T0, T0 + S(1)); // the database stamped it after T0

        // Heartbeats fail from here on: nothing new arrives. The row expires at (stamp ≥ T0) + 10 s at the earliest.
        Assert.True(share.Gates.OpenAt(T0 + S(7.9)));
        Assert.False(share.Gates.OpenAt(T0 + S(8)));
        Assert.True(T0 + Expiry - share.Gates.OpenUntil >= SlidingWindowGate.Window);
    }

    [Fact]
    public void Member_ExpiredOrRemoved_ClosesAndIsAdmittedAgainOnlyAsANewcomer()
    {
        var share = new FleetShare("a", Expiry);
        share.Joined(View(("a", 1, 1), ("b", 2, 2)), T0, T0);
        share.Observed(View(("a", 1, 2), ("b", 2, 2)), T0 + S(2), T0 + S(2));
        Assert.True(share.Admitted);

        share.Observed(null, T0 + S(30), T0 + S(30)); // the heartbeat found the row expired
        Assert.Equal((false, FleetGates.Closed), (share.Registered, share.Gates));

        share.Joined(View(("b", 2, 2), ("a", 3, 3)), T0 + S(30), T0 + S(30));
        Assert.Equal(FleetGates.Closed, share.Gates); // b must see the new a first
        share.Observed(View(("b", 2, 3), ("a", 3, 3)), T0 + S(32), T0 + S(32));
        Assert.Equal(T0 + S(33), share.Gates.OpenFrom);

        // A row of the same id under an older version is not this registration.
        share.Observed(View(("b", 2, 3), ("a", 1, 1)), T0 + S(34), T0 + S(34));
        Assert.False(share.Registered);
    }

    [Fact]
    public void Reclaimer_OfAnAdmittedRow_IsAdmittedAtOnce_ButOpensOnlyAQuietTimeAfterThePredecessorDied()
    {
        // b's predecessor died holding b's slot at T0 (proved then); its row (version 2, acknowledged by a) is b's now.
        var share = new FleetShare("b", Expiry);
        share.Joined(View(("a", 1, 2), ("b", 2, 2)), T0 + S(1), T0 + S(1), notBefore: T0 + FleetShare.ReclaimQuiet);

        Assert.True(share.Admitted);
        Assert.Equal(new FleetGates(2, T0 + FleetShare.ReclaimQuiet, T0 + S(1) + Expiry - FleetShare.FenceMargin), share.Gates);
        Assert.True(FleetShare.ReclaimQuiet >= SlidingWindowGate.Window);
        Assert.True(Expiry - FleetShare.FenceMargin > FleetShare.ReclaimQuiet, "reclaiming must be faster than waiting for the row to expire");

        // Alone, too: what the predecessor sent just before it died is still in the window.
        var alone = new FleetShare("c", Expiry);
        alone.Joined(View(("c", 3, 3)), T0 + S(0.2), T0 + S(0.2), notBefore: T0 + FleetShare.ReclaimQuiet);
        Assert.False(alone.Gates.OpenAt(T0 + FleetShare.ReclaimQuiet - Ms(1)));
        Assert.True(alone.Gates.OpenAt(T0 + FleetShare.ReclaimQuiet));
    }

    [Fact]
    public void Reclaimer_OfARowNotYetAdmitted_WaitsForTheAcknowledgementsLikeItsPredecessor()
    {
        var share = new FleetShare("b", Expiry);
        share.Joined(View(("a", 1, 1), ("b", 2, 2)), T0, T0, notBefore: T0 + FleetShare.ReclaimQuiet);
        Assert.Equal(FleetGates.Closed, share.Gates);

        share.Observed(View(("a", 1, 2), ("b", 2, 2)), T0 + S(3), T0 + S(3));
        Assert.Equal(T0 + S(4), share.Gates.OpenFrom);
    }

    internal static FleetView View(params (string Id, long Version, long Acked)[] members) =>
        new([.. members.Select(m => new FleetMember { MemberId = m.Id, JoinedVersion = m.Version, AcknowledgedVersion = m.Acked })], T0);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);
}
