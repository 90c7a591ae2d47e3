namespace Campaigns.Storage.Model;

/// <summary>
/// One event of the vendor's call callbacks, as the ledger keeps it. The natural key is
/// (<see cref="CallId"/>, <see cref="Command"/>, <see cref="EventTimeMs"/>, <see cref="Member"/>, <see cref="Action"/>):
/// a callback that changed several members is one event per member, and an answer and a hang-up stamped in the
/// same millisecond are two events.
/// </summary>
public sealed record CallEvent
{
    /// <summary>The vendor's CallId.</summary>
    public required string CallId { get; init; }

    /// <summary>The callback command, e.g. <c>Call.CallbackAfterEndCall</c>.</summary>
    public required string Command { get; init; }

    /// <summary>When the event happened on the vendor's clock, Unix milliseconds.</summary>
    public required long EventTimeMs { get; init; }

    /// <summary>The member the event is about; empty for events about the whole call.</summary>
    public string Member { get; init; } = string.Empty;

    /// <summary>The member's ActionType as the vendor spelt it; empty for events about the whole call.</summary>
    public string Action { get; init; } = string.Empty;

    /// <summary>The CallRecord object an end event carried, as JSON text.</summary>
    public string? CallRecordJson { get; init; }

    /// <summary>The whole callback body as received.</summary>
    public required string Body { get; init; }
}

/// <summary>What appending callback events did.</summary>
/// <param name="Added">Events that were new to the ledger.</param>
/// <param name="Duplicates">Events the ledger already held (a duplicate or replayed callback).</param>
/// <param name="OutOfOrder">New events older than an event the ledger already held for the same call.</param>
public sealed record CallEventsAppended(int Added, int Duplicates, int OutOfOrder);

/// <summary>An event as the ledger's readers see it: the natural key, the end's CallRecord and when it was received.</summary>
public sealed class CallEventSeen
{
    /// <summary>The vendor's CallId.</summary>
    public string CallId { get; init; } = string.Empty;

    /// <summary>The callback command.</summary>
    public string Command { get; init; } = string.Empty;

    /// <summary>When the event happened on the vendor's clock, Unix milliseconds.</summary>
    public long EventTime { get; init; }

    /// <summary>The member the event is about; empty for events about the whole call.</summary>
    public string Member { get; init; } = string.Empty;

    /// <summary>The member's ActionType; empty for events about the whole call.</summary>
    public string Action { get; init; } = string.Empty;

    /// <summary>The CallRecord an end event carried, as JSON text.</summary>
    public string? CallRecord { get; init; }

    /// <summary>When the receiver wrote it (the receiving worker's clock).</summary>
    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>A member's latest state in the ledger: the latest event by time, then by <see cref="CallEventOrder"/>.</summary>
/// <param name="Member">The member (User_Account).</param>
/// <param name="Action">The vendor's ActionType of that event.</param>
/// <param name="EventTimeMs">When it happened, Unix milliseconds.</param>
public sealed record MemberState(string Member, string Action, long EventTimeMs);

/// <summary>What the ledger knows of one call, whatever order its events arrived in.</summary>
public sealed record CallLedgerState
{
    /// <summary>The vendor's id of the call the callback is about.</summary>
    public required string CallId { get; init; }

    /// <summary>Whether an end event is in the ledger.</summary>
    public bool Ended { get; init; }

    /// <summary>When the (earliest) end event happened, Unix milliseconds.</summary>
    public long? EndedAtMs { get; init; }

    /// <summary>The CallRecord the end event carried, as JSON text.</summary>
    public string? CallRecordJson { get; init; }

    /// <summary>Whether a start event is in the ledger.</summary>
    public bool Started { get; init; }

    /// <summary>Each member's latest state, by member.</summary>
    public IReadOnlyDictionary<string, MemberState> Members { get; init; } = new Dictionary<string, MemberState>(StringComparer.Ordinal);
}

/// <summary>
/// The order of member actions at the same event time: an action that leaves the call outranks one that
/// joins it, so an answer and a hang-up stamped in the same millisecond leave the member gone, in any arrival order.
/// </summary>
public static class CallEventOrder
{
    /// <summary>The command of the event that ends a call.</summary>
    public const string EndCommand = "Call.CallbackAfterEndCall";

    /// <summary>The command of the event that starts a call.</summary>
    public const string StartCommand = "Call.CallbackAfterStartCall";

    /// <summary>The command of a member's change.</summary>
    public const string MemberCommand = "Call.CallbackAfterMemberChanged";

    /// <summary>
    /// 0 for invitations, 1 for joining, 2 for leaving (HangUp, Reject, NotAnswer, Offline, LineBusy, Cancel_Invite and any
    /// other). The vendor spells the actions inconsistently (Accept/Answer, Invite/Invited, HangUp/Hangup/Hang Up): case is ignored.
    /// </summary>
    public static int Rank(string action) => action?.ToUpperInvariant() switch
    {
        "INVITE" or "INVITED" => 0,
        "ACCEPT" or "ANSWER" or "JOIN" => 1,
        _ => 2,
    };
}
