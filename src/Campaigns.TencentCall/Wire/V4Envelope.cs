using System.Text.Json.Serialization;

namespace Campaigns.TencentCall.Wire;

/// <summary>The IM REST ("v4") response envelope.</summary>
/// <typeparam name="T">The shape of <c>Response</c>.</typeparam>
public sealed class V4Envelope<T>
    where T : class
{
    /// <summary>OK or FAIL.</summary>
    [JsonPropertyName("ActionStatus")]
    public string? ActionStatus { get; set; }

    /// <summary>0 on success.</summary>
    [JsonPropertyName("ErrorCode")]
    public long ErrorCode { get; set; }

    /// <summary>The error text.</summary>
    [JsonPropertyName("ErrorInfo")]
    public string? ErrorInfo { get; set; }

    /// <summary>The vendor's request id.</summary>
    [JsonPropertyName("RequestId")]
    public string? RequestId { get; set; }

    /// <summary>The payload on success.</summary>
    [JsonPropertyName("Response")]
    public T? Response { get; set; }
}

/// <summary>A response with no payload (end_call, errors).</summary>
public sealed class V4Empty;
