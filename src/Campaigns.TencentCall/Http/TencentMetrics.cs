using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Campaigns.TencentCall.Errors;

namespace Campaigns.TencentCall.Http;

/// <summary>
/// What the client sent and what came back (meter <c>Campaigns.TencentCall</c>): every request by API and
/// answer code, the vendor's errors by code and kind, and how long each request took. Counted where every
/// request passes (<see cref="TencentTransport"/>), so no caller can forget it. Tags never carry a URL.
/// </summary>
public static class TencentMetrics
{
    /// <summary>The meter's name, for an exporter's <c>AddMeter</c>.</summary>
    public const string MeterName = "Campaigns.TencentCall";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "campaigns.tencent.requests", "{request}", "requests sent to Tencent, by API and answer code (0: success; http_NNN, timeout, transport, unreadable: no vendor code)");

    private static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "campaigns.tencent.errors", "{request}", "requests Tencent (or the way there) refused, by API, code and kind (Settled and NotFoundYet are the normal course of a call)");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "campaigns.tencent.request.duration",
        "s",
        "time from sending a request to reading its answer's status, by API",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary>The API's name as the vendor spells it (the tag value).</summary>
    public static string NameOf(TencentApi api) => api switch
    {
        TencentApi.StartCallByRobot => "start_call_by_robot",
        TencentApi.GetCallInfo => "get_call_info",
        TencentApi.EndCall => "end_call",
        TencentApi.GetRecordByCallId => "get_record_by_callid",
        TencentApi.GetRecordsByFilter => "get_record_by_filter",
        TencentApi.SetCallback => "set_callback",
        TencentApi.GetCallback => "get_callback",
        TencentApi.DeleteCallback => "delete_callback",
        _ => api.ToString(),
    };

    internal static void Answered(TencentApi api, long code) =>
        Requests.Add(1, new KeyValuePair<string, object?>("api", NameOf(api)), new KeyValuePair<string, object?>("code", code.ToString(CultureInfo.InvariantCulture)));

    internal static void Elapsed(TencentApi api, long startedTimestamp) =>
        Duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("api", NameOf(api)));

    /// <summary>Counts a failed request and hands the exception back, so a throw site stays one line.</summary>
    internal static TencentCallException Failed(TencentCallException error, string? code = null)
    {
        Refused(error.Api, code ?? (error.ErrorCode is { } vendor ? vendor.ToString(CultureInfo.InvariantCulture) : "transport"), error.Kind);
        return error;
    }

    /// <summary>Counts a request answered with an error code (also one read as an answer: 101004 when polling).</summary>
    internal static void Refused(TencentApi api, string code, TencentErrorKind kind)
    {
        var apiTag = new KeyValuePair<string, object?>("api", NameOf(api));
        var codeTag = new KeyValuePair<string, object?>("code", code);
        Requests.Add(1, apiTag, codeTag);
        Errors.Add(1, apiTag, codeTag, new KeyValuePair<string, object?>("kind", kind.ToString()));
    }
}
