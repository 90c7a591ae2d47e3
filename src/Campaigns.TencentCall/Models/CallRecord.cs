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
    /// <summary>The call.</summary>
    public required string CallId { get; init; }

    /// <summary>The caller (the robot).</summary>
    public string? Caller { get; init; }

    /// <summary>The callees.</summary>
    public IReadOnlyList<string> Callees { get; init; } = [];

    /// <summary>Audio or video, if the record says.</summary>
    public CallMediaType? MediaType { get; init; }

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
    public Errors.ApiGeneration Source { get; init; }

    /// <summary>The record as received, for auditing.</summary>
    public string? RawJson { get; init; }

    /// <summary>Talk time: end minus accept, when the call was accepted.</summary>
    public TimeSpan? TalkDuration => AcceptTime is { } a && EndTime is { } e && e >= a ? e - a : null;
}

/// <summary>The period and page asked of the by-filter query.</summary>
public sealed record RecordFilter(DateTimeOffset From, DateTimeOffset? To = null, int NumberPerPage = 100, int Page = 1);

/// <summary>One page of records.</summary>
public sealed record CallRecordPage(long TotalNum, int Page, IReadOnlyList<CallRecord> Records);
