using System.Text.Json.Serialization;

namespace Campaigns.TencentCall.Wire;

/// <summary><c>{"CallId":"…"}</c>: get_call_info, end_call, get_record_by_callid.</summary>
public sealed class V4CallIdRequest
{
    /// <summary>The call to act on, as StartCall answered it.</summary>
    [JsonPropertyName("CallId")]
    public string? CallId { get; set; }
}

/// <summary>start_call_by_robot request body.</summary>
public sealed class V4StartCallRequest
{
    /// <summary>Caller robot.</summary>
    [JsonPropertyName("Robot_Account")]
    public string? RobotAccount { get; set; }

    /// <summary>Callees.</summary>
    [JsonPropertyName("CalleeList_Account")]
    public List<string>? CalleeListAccount { get; set; }

    /// <summary>Ring timeout in ms.</summary>
    [JsonPropertyName("Timeout")]
    public long? Timeout { get; set; }

    /// <summary>Passed to callees.</summary>
    [JsonPropertyName("UserData")]
    public string? UserData { get; set; }

    /// <summary>Media and room.</summary>
    [JsonPropertyName("CallInfo")]
    public V4CallInfo? CallInfo { get; set; }

    /// <summary>The push notification a callee's app shows while it is offline.</summary>
    [JsonPropertyName("OfflinePushInfo")]
    public V4OfflinePushInfo? OfflinePushInfo { get; set; }
}

/// <summary>CallInfo of a start request and of get_call_info.</summary>
public sealed class V4CallInfo
{
    /// <summary>The call (in get_call_info answers).</summary>
    [JsonPropertyName("CallId")]
    public string? CallId { get; set; }

    /// <summary>Audio or Video.</summary>
    [JsonPropertyName("MediaType")]
    public string? MediaType { get; set; }

    /// <summary>IM group of a group call.</summary>
    [JsonPropertyName("ChatGroupId")]
    public string? ChatGroupId { get; set; }

    /// <summary>TRTC room.</summary>
    [JsonPropertyName("RoomId")]
    public string? RoomId { get; set; }

    /// <summary>1 numeric, 2 string (0 when unset in answers).</summary>
    [JsonPropertyName("RoomIdType")]
    public int? RoomIdType { get; set; }
}

/// <summary>IM offline push.</summary>
public sealed class V4OfflinePushInfo
{
    /// <summary>0 push, 1 no push.</summary>
    [JsonPropertyName("PushFlag")]
    public int PushFlag { get; set; }

    /// <summary>The notification's title line.</summary>
    [JsonPropertyName("Title")]
    public string? Title { get; set; }

    /// <summary>Description.</summary>
    [JsonPropertyName("Desc")]
    public string? Desc { get; set; }

    /// <summary>Extra payload.</summary>
    [JsonPropertyName("Ext")]
    public string? Ext { get; set; }
}

/// <summary>start_call_by_robot Response.</summary>
public sealed class V4StartCallResponse
{
    /// <summary>The new call.</summary>
    [JsonPropertyName("CallId")]
    public string? CallId { get; set; }

    /// <summary>Per-callee result codes.</summary>
    [JsonPropertyName("CallResult")]
    public List<V4CalleeResult>? CallResult { get; set; }
}

/// <summary>One callee's result code.</summary>
public sealed class V4CalleeResult
{
    /// <summary>The account this entry of the start answer is for.</summary>
    [JsonPropertyName("Callee_Account")]
    public string? CalleeAccount { get; set; }

    /// <summary>0 rung; other values recorded as-is.</summary>
    [JsonPropertyName("ResultCode")]
    public long ResultCode { get; set; }
}

/// <summary>get_call_info Response.</summary>
public sealed class V4CallInfoResponse
{
    /// <summary>The call's state and its members.</summary>
    [JsonPropertyName("CallInfo")]
    public V4CallInfo? CallInfo { get; set; }

    /// <summary>Participants.</summary>
    [JsonPropertyName("UserList")]
    public List<V4User>? UserList { get; set; }
}

/// <summary>A participant of get_call_info.</summary>
public sealed class V4User
{
    /// <summary>The member's account.</summary>
    [JsonPropertyName("User_Account")]
    public string? UserAccount { get; set; }

    /// <summary>Calling or Waiting.</summary>
    [JsonPropertyName("Status")]
    public string? Status { get; set; }
}
