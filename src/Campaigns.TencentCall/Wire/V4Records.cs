using System.Text.Json.Serialization;

namespace Campaigns.TencentCall.Wire;

/// <summary>v4 get_record_by_filter request; every field is optional (absent or 0 StartTime: the last 7 days).</summary>
public sealed class V4RecordFilterRequest
{
    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("StartTime")]
    public long? StartTime { get; set; }

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("EndTime")]
    public long? EndTime { get; set; }

    /// <summary>Page size (vendor default 10).</summary>
    [JsonPropertyName("NumberPerPage")]
    public int? NumberPerPage { get; set; }

    /// <summary>1-based page.</summary>
    [JsonPropertyName("Page")]
    public int? Page { get; set; }

    /// <summary>Only records with this result (NormalEnd, Reject, …).</summary>
    [JsonPropertyName("CallResult")]
    public string? CallResult { get; set; }

    /// <summary>Only SingleCall or MultiCall records.</summary>
    [JsonPropertyName("CallType")]
    public string? CallType { get; set; }
}

/// <summary>v4 get_record_by_callid Response.</summary>
public sealed class V4RecordResponse
{
    /// <summary>The call's record; null when the answer carries none.</summary>
    [JsonPropertyName("CallRecord")]
    public V4CallRecord? CallRecord { get; set; }
}

/// <summary>v4 get_record_by_filter Response.</summary>
public sealed class V4RecordPageResponse
{
    /// <summary>Records matching in all.</summary>
    [JsonPropertyName("TotalNum")]
    public long TotalNum { get; set; }

    /// <summary>This page when more follow; 0 when no more data follows.</summary>
    [JsonPropertyName("Page")]
    public int Page { get; set; }

    /// <summary>The call records on this page, in the order the vendor lists them.</summary>
    [JsonPropertyName("CallRecordList")]
    public List<V4CallRecord>? CallRecordList { get; set; }
}

/// <summary>A v4 call record.</summary>
public sealed class V4CallRecord
{
    /// <summary>The vendor's id of the call the record describes.</summary>
    [JsonPropertyName("CallId")]
    public string? CallId { get; set; }

    /// <summary>The account that placed the call: the robot.</summary>
    [JsonPropertyName("Caller_Account")]
    public string? CallerAccount { get; set; }

    /// <summary>Audio/Video.</summary>
    [JsonPropertyName("MediaType")]
    public string? MediaType { get; set; }

    /// <summary>SingleCall or MultiCall.</summary>
    [JsonPropertyName("CallType")]
    public string? CallType { get; set; }

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("StartTime")]
    public long StartTime { get; set; }

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("EndTime")]
    public long EndTime { get; set; }

    /// <summary>Unix seconds; 0 when never accepted.</summary>
    [JsonPropertyName("AcceptTime")]
    public long AcceptTime { get; set; }

    /// <summary>How the call ended, in the vendor's words: NormalEnd, Reject and the like.</summary>
    [JsonPropertyName("CallResult")]
    public string? CallResult { get; set; }

    /// <summary>Callees.</summary>
    [JsonPropertyName("CalleeList_Account")]
    public List<string>? CalleeListAccount { get; set; }

    /// <summary>TRTC room.</summary>
    [JsonPropertyName("RoomId")]
    public string? RoomId { get; set; }

    /// <summary>Whether <see cref="RoomId"/> is a number or a string, as the vendor codes it.</summary>
    [JsonPropertyName("RoomIdType")]
    public int? RoomIdType { get; set; }
}
