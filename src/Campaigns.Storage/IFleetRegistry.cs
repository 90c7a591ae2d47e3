namespace Campaigns.Storage;

/// <summary>
/// Which workers share the vendor's per-app limit right now (table <c>fleet_members</c> in the outcome store).
/// Every time is the database's clock, so workers with skewed clocks agree on who is live. A member is live
/// until its <see cref="FleetMember.ExpiresAt"/>; every join takes the next membership version (joins are
/// serialized, so a member that sees version v sees every member that joined before it), and each member
/// records the highest version whose members it has accounted for in its share (<see cref="FleetMember.AcknowledgedVersion"/>).
/// </summary>
public interface IFleetRegistry
{
    /// <summary>
    /// The database the registry lives in, without credentials (host, port and database, or the SQLite file):
    /// workers on one host that share it share their instance slots (<c>FleetInstanceSlot</c>).
    /// </summary>
    string Name { get; }

    /// <summary>
    /// Registers <paramref name="memberId"/> (again, under a new version, if its row is still there) live for
    /// <paramref name="expiry"/>, and returns the live members. The member's own acknowledgement starts at its version.
    /// </summary>
    Task<FleetView> JoinAsync(string memberId, TimeSpan expiry, CancellationToken cancellationToken = default) =>
        JoinAsync(memberId, expiry, [], cancellationToken);

    /// <summary>
    /// <see cref="JoinAsync(string, TimeSpan, CancellationToken)"/> for a worker that has proved
    /// <paramref name="deadMembers"/> dead (they can send nothing any more): if one of them is still live, the
    /// newest becomes <paramref name="memberId"/>'s row (its version, acknowledgement and so its share kept, live
    /// for <paramref name="expiry"/> from now) instead of a new version that every live member would have to
    /// acknowledge, a dead one never. A caller must not send before what the dead member sent has left the window.
    /// </summary>
    Task<FleetView> JoinAsync(string memberId, TimeSpan expiry, IReadOnlyCollection<string> deadMembers, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps <paramref name="memberId"/> live for <paramref name="expiry"/> more, records that it has applied
    /// <paramref name="acknowledgedVersion"/> (never lowering what it recorded before), removes expired members,
    /// and returns the live ones. Null when the member is gone or had already expired: it must join again.
    /// </summary>
    Task<FleetView?> HeartbeatAsync(string memberId, long acknowledgedVersion, TimeSpan expiry, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="memberId"/> (graceful shutdown); removing a member that is gone does nothing.</summary>
    Task LeaveAsync(string memberId, CancellationToken cancellationToken = default);
}

/// <summary>The live members as the database saw them at <see cref="Now"/> (its clock), in joining order.</summary>
public sealed record FleetView(IReadOnlyList<FleetMember> Members, DateTimeOffset Now)
{
    /// <summary>The dead member whose row a join took over (null: none, the join took a new version).</summary>
    public string? Reclaimed { get; init; }

    /// <summary>The highest membership version among the live members (0 when none).</summary>
    public long Version => Members.Count == 0 ? 0 : Members.Max(m => m.JoinedVersion);

    /// <summary>The member <paramref name="memberId"/>, or null.</summary>
    public FleetMember? Find(string memberId) => Members.FirstOrDefault(m => m.MemberId == memberId);
}

/// <summary>One live member of the fleet.</summary>
public sealed record FleetMember
{
    /// <summary>The worker's random instance id.</summary>
    public required string MemberId { get; init; }

    /// <summary>The membership version its join took.</summary>
    public long JoinedVersion { get; init; }

    /// <summary>The highest membership version it has applied to its share.</summary>
    public long AcknowledgedVersion { get; init; }

    /// <summary>Its last heartbeat (database clock).</summary>
    public DateTimeOffset HeartbeatAt { get; init; }

    /// <summary>When it stops counting as live unless it heartbeats again (database clock).</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}
