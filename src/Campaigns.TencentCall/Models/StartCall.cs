namespace Campaigns.TencentCall.Models;

/// <summary>Audio or video; sent as <c>Audio</c>/<c>Video</c>, parsed case-insensitively.</summary>
public enum MediaType
{
    /// <summary>An audio call.</summary>
    Audio,

    /// <summary>A video call.</summary>
    Video,
}

/// <summary>What a robot call asks for: one callee is a 1v1 call, several a group call.</summary>
public sealed record StartCallRequest
{
    /// <summary>The robot UserID that places the call.</summary>
    public required string RobotAccount { get; init; }

    /// <summary>The callees to ring.</summary>
    public required IReadOnlyList<string> Callees { get; init; }

    /// <summary>Ring timeout, 10 000–600 000 ms.</summary>
    public int TimeoutMs { get; init; } = 30_000;

    /// <summary>Passed to callees in the call notification; at most 1000 UTF-8 bytes.</summary>
    public string? UserData { get; init; }

    /// <summary>Audio or video.</summary>
    public MediaType MediaType { get; init; } = MediaType.Audio;

    /// <summary>
    /// Optional TRTC room id. With <see cref="RoomIdType"/> 2 any string of 1–64 bytes: it comes back in
    /// the call's record, so a per-attempt value finds the call later (<see cref="ITencentCallClient.FindRecordByRoomAsync(RecordLookup, System.Threading.CancellationToken)"/>).
    /// </summary>
    public string? RoomId { get; init; }

    /// <summary>1 = numeric room id, 2 = string room id (not the 0/1 of StartStreamIngest).</summary>
    public int? RoomIdType { get; init; }

    /// <summary>Optional IM offline push.</summary>
    public OfflinePush? OfflinePush { get; init; }
}

/// <summary>IM offline push settings for callees whose app is not running.</summary>
public sealed record OfflinePush(int PushFlag = 0, string? Title = null, string? Desc = null, string? Ext = null);

/// <summary>The answer to a start: the CallId and, per callee, whether it was rung.</summary>
public sealed record StartCallResult(string CallId, IReadOnlyList<CalleeStartResult> Callees, string? RequestId)
{
    /// <summary>The callees that were actually rung (ResultCode 0).</summary>
    public IEnumerable<string> Rung => Callees.Where(c => c.ResultCode == 0).Select(c => c.Callee);
}

/// <summary>One callee's result code of a start; 0 means rung, other values are recorded as-is.</summary>
public sealed record CalleeStartResult(string Callee, long ResultCode);

/// <summary>Reads the vendor's media-type spellings.</summary>
public static class MediaTypes
{
    /// <summary><c>Audio</c>, <c>video</c>, <c>VIDEO</c>… by name, case-insensitively; null for anything else (numbers too).</summary>
    public static MediaType? Parse(string? value) => Http.WireMapper.ParseMediaType(value);
}
