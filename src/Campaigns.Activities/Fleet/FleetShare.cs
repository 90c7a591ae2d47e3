using Campaigns.Activities.Budget;
using Campaigns.Storage;

namespace Campaigns.Activities.Fleet;

/// <summary>
/// One worker's view of the fleet sharing the vendor's limit, and what its gates may do (pure logic; the
/// registry's answers and the times are passed in). Share = budget × Headroom ÷ live members. The transitions
/// keep the fleet's sum within the budget in every 1-second window:
/// <list type="bullet">
/// <item>A member that sees more members shrinks its gates first, then acknowledges the membership version
/// it applied. A newcomer opens only when every other live member has acknowledged its version, and one
/// window after it saw that (what the others sent just before they shrank has left every window it sends in);
/// alone, it opens at once.</item>
/// <item>A member grows only when a row is gone: a leaver deletes its row a window after its last request, and
/// a crashed or stalled member's row expires (database clock) only after its own gates closed (below).</item>
/// <item>A worker that reclaimed the row of a predecessor proved dead (<see cref="FleetInstanceSlot"/>) keeps
/// that row's version and so its share (the others acknowledged it already: nobody is waited for, the dead one
/// least of all), but opens only <see cref="ReclaimQuiet"/> after the proof: what the predecessor sent before it
/// died has left the window by then.</item>
/// <item>The gates stay open only until <see cref="FenceMargin"/> before the registration could expire, counted
/// from when the last successful heartbeat was <em>sent</em> (the database stamped it later): a worker that
/// cannot heartbeat (database down, GC stall) stops sending before the others may take its share, and stays
/// closed until it is registered again (a new version, admitted like any newcomer).</item>
/// </list>
/// </summary>
public sealed class FleetShare(string memberId, TimeSpan expiry)
{
    /// <summary>
    /// How long before its registration could expire a member stops sending: one window, plus a second for the
    /// drift between the worker's and the database's clocks and for a request on its way after the gate.
    /// </summary>
    public static readonly TimeSpan FenceMargin = SlidingWindowGate.Window + TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after its predecessor was proved dead a worker that reclaimed its row may send: one window, plus
    /// a second for a request the predecessor wrote just before it died and that is still on its way (no clock
    /// but this host's is involved). Far shorter than waiting for the row to expire.
    /// </summary>
    public static readonly TimeSpan ReclaimQuiet = SlidingWindowGate.Window + TimeSpan.FromSeconds(1);

    private long version;
    private bool admitted;
    private DateTimeOffset openFrom = DateTimeOffset.MaxValue;
    private DateTimeOffset openUntil = DateTimeOffset.MinValue;
    private DateTimeOffset notBefore = DateTimeOffset.MinValue;

    /// <summary>This worker's instance id.</summary>
    public string MemberId { get; } = !string.IsNullOrWhiteSpace(memberId) ? memberId : throw new ArgumentException("a member id is required", nameof(memberId));

    /// <summary>Whether the registry holds this worker's row (as far as the last answer said).</summary>
    public bool Registered { get; private set; }

    /// <summary>The membership version this worker's join took.</summary>
    public long Version => version;

    /// <summary>Live members this worker divides the budget by (0 while not registered).</summary>
    public int Members { get; private set; }

    /// <summary>The highest membership version applied to the gates: the acknowledgement to write next.</summary>
    public long Applied { get; private set; }

    /// <summary>Whether every live member acknowledged this worker's version (its gates may open).</summary>
    public bool Admitted => admitted;

    /// <summary>The gates' limit divisor and open interval (<see cref="FleetGates.Closed"/> while it may not send).</summary>
    public FleetGates Gates => Registered && admitted && Members > 0 ? new FleetGates(Members, openFrom, openUntil) : FleetGates.Closed;

    /// <summary>
    /// The registry's answer to a join sent at <paramref name="sentAt"/>, received at <paramref name="now"/> (local
    /// clock); the gates open no earlier than <paramref name="notBefore"/> (a reclaimed row: see <see cref="ReclaimQuiet"/>).
    /// </summary>
    public void Joined(FleetView view, DateTimeOffset sentAt, DateTimeOffset now, DateTimeOffset notBefore = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        this.notBefore = notBefore > this.notBefore ? notBefore : this.notBefore;
        var me = view.Find(MemberId) ?? throw new InvalidOperationException($"the registry's answer to the join of {MemberId} does not hold it");
        version = me.JoinedVersion;
        admitted = false;
        openFrom = DateTimeOffset.MaxValue;
        Registered = true;
        Observed(view, sentAt, now);
    }

    /// <summary>
    /// The registry's answer to a heartbeat sent at <paramref name="sentAt"/>, received at <paramref name="now"/>;
    /// null when the registration was gone or expired (closed until joined again).
    /// </summary>
    public void Observed(FleetView? view, DateTimeOffset sentAt, DateTimeOffset now)
    {
        if (view?.Find(MemberId) is not { } me || me.JoinedVersion != version || !Registered)
        {
            Lost();
            return;
        }

        Members = view.Members.Count;
        Applied = Math.Max(Applied, view.Version);
        openUntil = sentAt + expiry - FenceMargin;
        if (!admitted && view.Members.All(m => m.MemberId == MemberId || m.AcknowledgedVersion >= version))
        {
            admitted = true;
            openFrom = view.Members.Count == 1 ? now : now + SlidingWindowGate.Window;
            openFrom = openFrom > notBefore ? openFrom : notBefore;
        }
    }

    /// <summary>The registration is gone (or this worker leaves): closed until joined again.</summary>
    public void Lost()
    {
        Registered = false;
        admitted = false;
        Members = 0;
        openFrom = DateTimeOffset.MaxValue;
        openUntil = DateTimeOffset.MinValue;
    }
}

/// <summary>What a fleet member's gates may do: each API's budget × Headroom ÷ <see cref="Members"/>, open from <see cref="OpenFrom"/> until <see cref="OpenUntil"/>.</summary>
public readonly record struct FleetGates(int Members, DateTimeOffset OpenFrom, DateTimeOffset OpenUntil)
{
    /// <summary>Closed: nothing may be sent.</summary>
    public static FleetGates Closed => new(0, DateTimeOffset.MaxValue, DateTimeOffset.MinValue);

    /// <summary>Whether the gates may let a request through at <paramref name="now"/>.</summary>
    public bool OpenAt(DateTimeOffset now) => Members > 0 && now >= OpenFrom && now < OpenUntil;
}
