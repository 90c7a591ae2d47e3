namespace Campaigns.TencentCall.Models;

/// <summary>A participant's live state: <c>Calling</c> in the call, <c>Waiting</c> still ringing.</summary>
public enum ParticipantStatus
{
    /// <summary>Still ringing / not connected.</summary>
    Waiting,

    /// <summary>In the call.</summary>
    Calling,

    /// <summary>A value the pages do not document (kept raw in <see cref="Participant.RawStatus"/>).</summary>
    Other,
}

/// <summary>One user of a live call.</summary>
public sealed record Participant(string Account, ParticipantStatus Status, string RawStatus);

/// <summary>
/// The real-time state of a call. <see cref="HasEnded"/> is true when Tencent answered 101004 for a
/// call that was started: the call is settled and its record is (or will soon be) available.
/// </summary>
public sealed record CallStatus(
    string CallId,
    bool HasEnded,
    MediaType? MediaType,
    string? RoomId,
    int? RoomIdType,
    string? ChatGroupId,
    IReadOnlyList<Participant> Users)
{
    /// <summary>The status of an ended call.</summary>
    public static CallStatus Ended(string callId) => new(callId, true, null, null, null, null, []);

    /// <summary>Whether anyone is still ringing.</summary>
    public bool AnyWaiting => Users.Any(u => u.Status == ParticipantStatus.Waiting);
}
