using System.Text.Json;
using Campaigns.TencentCall.Models;
using Campaigns.TencentCall.Wire;

namespace Campaigns.TencentCall.Http;

/// <summary>
/// The CallRecord an end-of-call callback carries (<c>Call.CallbackAfterEndCall</c>), read as the v4 record
/// API's <c>Response.CallRecord</c> (the same object), whatever records generation the campaign reads.
/// </summary>
public static class CallbackRecords
{
    /// <summary>
    /// The record in <paramref name="json"/> when it is one of <paramref name="callId"/> complete enough to decide an
    /// outcome (a known or unknown result string, start and end times); null otherwise (the vendor's sample carries
    /// little more than the CallId): the record API is then asked, as without callbacks.
    /// </summary>
    public static CallRecord? TryRead(string? json, string callId)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            var wire = JsonSerializer.Deserialize<V4CallRecord>(json, WireJson.Options);
            if (wire is null || !string.Equals(wire.CallId, callId, StringComparison.Ordinal)
                || string.IsNullOrEmpty(wire.CallResult) || wire.StartTime <= 0 || wire.EndTime <= 0)
            {
                return null;
            }

            return WireMapper.FromV4(wire, json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
