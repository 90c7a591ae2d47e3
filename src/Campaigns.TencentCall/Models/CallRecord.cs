namespace Campaigns.TencentCall.Models;

/// <summary>How a call ended, normalised over the v4 (<c>NormalEnd</c>) and v1 (<c>normal_end</c>) spellings.</summary>
public enum CallResultKind
{
    /// <summary>A value neither generation documents; see <see cref="CallRecord.RawResult"/>.</summary>
    Unknown,

    /// <summary>Caller cancelled before an answer.</summary>
    Cancel,

    /// <summary>Callee rejected.</summary>
    Reject,

    /// <summary>Callee did not answer before the timeout.</summary>
    NotAnswer,

    /// <summary>Answered and hung up normally.</summary>
    NormalEnd,

    /// <summary>Callee was busy.</summary>
    CallBusy,

    /// <summary>Call interrupted.</summary>
    Interrupt,

    /// <summary>Callee offline (seen in callbacks and one v1 sample).</summary>
    Offline,
}

/// <summary>1v1 or group.</summary>
public enum CallKind
{
    /// <summary>Unspecified or undocumented value.</summary>
    Unknown,

    /// <summary>v4 SingleCall, v1 single.</summary>
    OneToOne,

    /// <summary>v4 MultiCall, v1 group/multi.</summary>
    Group,
}

/// <summary>A call's final record, one type for both records API generations.</summary>
public sealed record CallRecord
{
    /// <summary>The vendor's id of the call the record describes.</summary>
    public required string CallId { get; init; }

    /// <summary>The caller (the robot).</summary>
    public string? Caller { get; init; }

    /// <summary>
    /// The callees, without the caller: the vendor's member list names the robot too, and an outcome
    /// is written per callee, never for the robot.
    /// </summary>
    public IReadOnlyList<string> Callees { get; init; } = [];

    /// <summary>The member list exactly as the vendor sent it (caller included), for auditing.</summary>
    public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>Audio or video, if the record says.</summary>
    public MediaType? MediaType { get; init; }

    /// <summary>1v1 or group.</summary>
    public CallKind CallType { get; init; }

    /// <summary>The result, normalised.</summary>
    public CallResultKind Result { get; init; }

    /// <summary>The result as the vendor spelled it.</summary>
    public string? RawResult { get; init; }

    /// <summary>When the call was started.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When it was accepted, if ever (0 in the vendor's data means never).</summary>
    public DateTimeOffset? AcceptTime { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>The TRTC room id.</summary>
    public string? RoomId { get; init; }

    /// <summary>The room id type, if given.</summary>
    public int? RoomIdType { get; init; }

    /// <summary>v1 only: participants counted by the vendor.</summary>
    public int? TotalUserNumber { get; init; }

    /// <summary>Which generation answered.</summary>
    public ApiGeneration Source { get; init; }

    /// <summary>The record as received, for auditing.</summary>
    public string? RawJson { get; init; }

    /// <summary>Talk time: end minus accept, when the call was accepted.</summary>
    public TimeSpan? TalkDuration => AcceptTime is { } a && EndTime is { } e && e >= a ? e - a : null;
}

/// <summary>
/// The period, filters and page asked of the by-filter query. <see cref="From"/> null asks for the
/// vendor's default (the last 7 days); <see cref="Result"/> and <see cref="CallType"/> filter before paging.
/// </summary>
public sealed record RecordFilter(DateTimeOffset? From, DateTimeOffset? To = null, int NumberPerPage = 100, int Page = 1)
{
    /// <summary>Only records with this result (sent in the generation's spelling), or all.</summary>
    public CallResultKind? Result { get; init; }

    /// <summary>Only 1v1 or only group calls, or all.</summary>
    public CallKind? CallType { get; init; }
}

/// <summary>
/// One page of records. <see cref="HasMore"/> is the vendor's "no more data" signal kept as sent
/// (response <c>Page</c> 0 means none follow, even on a page that carries records): ask for
/// <see cref="Page"/> + 1 only while it is true.
/// </summary>
public sealed record CallRecordPage(long TotalNum, int Page, IReadOnlyList<CallRecord> Records, bool HasMore);

/// <summary>
/// How to find a placed call without its CallId (its start answer was lost): the robot, the
/// callee(s) and the per-attempt <see cref="RoomId"/> sent with the start, and a time window that
/// contains the call's start. Records exist only once the call has ended (plus the record delay).
/// </summary>
public sealed record RecordLookup
{
    /// <summary>The robot that placed the call (<c>Caller_Account</c> in the record).</summary>
    public required string RobotAccount { get; init; }

    /// <summary>The callees the start named; a record matches when it lists exactly these (in any order).</summary>
    public required IReadOnlyList<string> Callees { get; init; }

    /// <summary>The RoomId the start carried (a per-attempt string room id, <c>RoomIdType</c> 2).</summary>
    public required string RoomId { get; init; }

    /// <summary>Earliest start of the call (e.g. just before the start request was sent).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>Latest start of the call (e.g. the request's send time plus its timeout).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>Records per page asked of the vendor (1–100).</summary>
    public int NumberPerPage { get; init; } = 100;

    /// <summary>At most this many pages are read, so a huge window cannot loop for ever.</summary>
    public int MaxPages { get; init; } = 1000;

    /// <summary>Whether <paramref name="record"/> is the call looked for: its RoomId, robot and callees (in any order).</summary>
    public bool Matches(CallRecord record) =>
        record is not null
        && string.Equals(record.RoomId, RoomId, StringComparison.Ordinal)
        && string.Equals(record.Caller, RobotAccount, StringComparison.Ordinal)
        && record.Callees.Order(StringComparer.Ordinal).SequenceEqual(Callees.Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
