using System.Text.Json.Serialization;

namespace Campaigns.TencentCall.Wire;

/// <summary>The call-records v1 envelope (camelCase; errorCode typed as String in the page, a number in its sample).</summary>
/// <typeparam name="T">The shape of <c>data</c>.</typeparam>
public sealed class V1Envelope<T>
    where T : class
{
    /// <summary>0 on success.</summary>
    [JsonPropertyName("errorCode")]
    public long ErrorCode { get; set; }

    /// <summary>The error text.</summary>
    [JsonPropertyName("errorMessage")]
    public string? ErrorMessage { get; set; }

    /// <summary>The vendor's request id (Integer in the page, a hex string in its sample).</summary>
    [JsonPropertyName("requestId")]
    public string? RequestId { get; set; }

    /// <summary>The API's answer proper (<c>data</c>), shaped as <typeparamref name="T"/>.</summary>
    [JsonPropertyName("data")]
    public T? Data { get; set; }
}

/// <summary><c>{"callId":"…"}</c>.</summary>
public sealed class V1CallIdRequest
{
    /// <summary>The call asked about, as StartCall answered it.</summary>
    [JsonPropertyName("callId")]
    public string? CallId { get; set; }
}

/// <summary>v1 get_records_by_filter request.</summary>
public sealed class V1FilterRequest
{
    /// <summary>Unix seconds (absent or 0: the last 7 days).</summary>
    [JsonPropertyName("startTimestamp")]
    public long? StartTimestamp { get; set; }

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("endTimestamp")]
    public long? EndTimestamp { get; set; }

    /// <summary>Filter by result.</summary>
    [JsonPropertyName("callResult")]
    public string? CallResult { get; set; }

    /// <summary>Filter by type.</summary>
    [JsonPropertyName("callType")]
    public string? CallType { get; set; }

    /// <summary>Page size (default 100).</summary>
    [JsonPropertyName("numberPerPage")]
    public int? NumberPerPage { get; set; }

    /// <summary>1-based page.</summary>
    [JsonPropertyName("page")]
    public int? Page { get; set; }
}

/// <summary>A v1 call record.</summary>
public sealed class V1Record
{
    /// <summary>The vendor's id of the call the record describes.</summary>
    [JsonPropertyName("callId")]
    public string? CallId { get; set; }

    /// <summary>The application (SDKAppID) that placed the call.</summary>
    [JsonPropertyName("sdkAppId")]
    public long? SdkAppId { get; set; }

    /// <summary>audio/video, lower case.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; set; }

    /// <summary>TRTC room.</summary>
    [JsonPropertyName("roomId")]
    public string? RoomId { get; set; }

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("startCallTs")]
    public long StartCallTs { get; set; }

    /// <summary>Unix seconds; 0 when never accepted.</summary>
    [JsonPropertyName("acceptTs")]
    public long AcceptTs { get; set; }

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("endTs")]
    public long EndTs { get; set; }

    /// <summary>The account that placed the call: the robot.</summary>
    [JsonPropertyName("caller")]
    public string? Caller { get; set; }

    /// <summary>Participants.</summary>
    [JsonPropertyName("totalUserNumber")]
    public int? TotalUserNumber { get; set; }

    /// <summary>single or group.</summary>
    [JsonPropertyName("callType")]
    public string? CallType { get; set; }

    /// <summary>How the call ended, in the vendor's words: normal_end, reject and the like.</summary>
    [JsonPropertyName("callResult")]
    public string? CallResult { get; set; }

    /// <summary>The accounts called: one, or a group's members.</summary>
    [JsonPropertyName("callees")]
    public List<string>? Callees { get; set; }
}

/// <summary>v1 get_records_by_filter data.</summary>
public sealed class V1RecordPage
{
    /// <summary>Records matching in all.</summary>
    [JsonPropertyName("totalNum")]
    public long TotalNum { get; set; }

    /// <summary>This page when more follow; 0 when no more data follows.</summary>
    [JsonPropertyName("page")]
    public int Page { get; set; }

    /// <summary>The call records on this page, in the order the vendor lists them.</summary>
    [JsonPropertyName("callRecordList")]
    public List<V1Record>? CallRecordList { get; set; }
}
