using System.Text.Json.Serialization;

namespace Campaigns.TencentCall.Wire;

/// <summary>call_config/set_callback's request and get_callback's <c>Response</c>.</summary>
public sealed class V4CallbackConfig
{
    /// <summary>Where the vendor POSTs callbacks (http or https).</summary>
    [JsonPropertyName("Url")]
    public string? Url { get; set; }

    /// <summary>The commands sent, e.g. <c>Call.CallbackAfterEndCall</c>.</summary>
    [JsonPropertyName("CallbackCommandList")]
    public List<string>? CallbackCommandList { get; set; }
}
