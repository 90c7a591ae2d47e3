using System.Text.Json;
using Campaigns.Simulator.Calls;
using Campaigns.Simulator.Pipeline;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Wire;

namespace Campaigns.Simulator.Endpoints;

/// <summary>Both records generations: v4 call_record_http_srv and v1 records.</summary>
public static class RecordEndpoints
{
    /// <summary>Maps the four record commands.</summary>
    public static void MapRecords(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v4/call_record_http_srv/get_record_by_callid", (HttpContext http, ApiPipeline pipeline, CallBook book) =>
            pipeline.HandleAsync(http, ApiNames.V4RecordByCallId, ApiGeneration.V4, body => V4ByCallId(book, body)));
        app.MapPost("/v4/call_record_http_srv/get_record_by_filter", (HttpContext http, ApiPipeline pipeline, CallBook book, SimulatorOptions o) =>
            pipeline.HandleAsync(http, ApiNames.V4RecordsByFilter, ApiGeneration.V4, body => V4ByFilter(book, o, body)));
        app.MapPost("/v1/records/get_record_by_callId", (HttpContext http, ApiPipeline pipeline, CallBook book, SimulatorOptions o) =>
            pipeline.HandleAsync(http, ApiNames.V1RecordByCallId, ApiGeneration.V1, body => V1ByCallId(book, o, body)));
        app.MapPost("/v1/records/get_records_by_filter", (HttpContext http, ApiPipeline pipeline, CallBook book, SimulatorOptions o) =>
            pipeline.HandleAsync(http, ApiNames.V1RecordsByFilter, ApiGeneration.V1, body => V1ByFilter(book, o, body)));
    }

    private static Answer V4ByCallId(CallBook book, string body)
    {
        var r = JsonSerializer.Deserialize<V4CallIdRequest>(body, WireJson.Options);
        if (string.IsNullOrWhiteSpace(r?.CallId))
        {
            return Answer.Error(101002, "invalid parameter: CallId is required");
        }

        return book.Find(r.CallId) is { } call && book.RecordReady(call)
            ? Answer.Ok(new V4RecordResponse { CallRecord = RecordShapes.ToV4(call) })
            : Answer.Error(101050, "record does not exist");
    }

    private static Answer V4ByFilter(CallBook book, SimulatorOptions options, string body)
    {
        var r = JsonSerializer.Deserialize<V4RecordFilterRequest>(body, WireJson.Options) ?? new V4RecordFilterRequest();
        var query = new RecordQuery(r.StartTime, r.EndTime, r.NumberPerPage, r.Page, r.CallResult, r.CallType, V1: false);
        if (query.Problem(10) is { } problem)
        {
            return Answer.Error(101002, "invalid parameter: " + problem);
        }

        var (total, page, slice) = query.Run(book, options, 10);
        return Answer.Ok(new V4RecordPageResponse { TotalNum = total, Page = page, CallRecordList = [.. slice.Select(RecordShapes.ToV4)] });
    }

    // v1 documents no "not found": the simulator answers success with no data, which the client reads as not-yet.
    private static Answer V1ByCallId(CallBook book, SimulatorOptions options, string body)
    {
        var r = JsonSerializer.Deserialize<V1CallIdRequest>(body, WireJson.Options);
        if (string.IsNullOrWhiteSpace(r?.CallId))
        {
            return Answer.Error(70001, "Invalid request parameters: callId is required");
        }

        return book.Find(r.CallId) is { } call && book.RecordReady(call)
            ? Answer.Ok(RecordShapes.ToV1(call, options.SdkAppId))
            : Answer.Ok();
    }

    private static Answer V1ByFilter(CallBook book, SimulatorOptions options, string body)
    {
        var r = JsonSerializer.Deserialize<V1FilterRequest>(body, WireJson.Options) ?? new V1FilterRequest();
        var query = new RecordQuery(r.StartTimestamp, r.EndTimestamp, r.NumberPerPage, r.Page, r.CallResult, r.CallType, V1: true);
        if (query.Problem(100) is { } problem)
        {
            return Answer.Error(70001, "Invalid request parameters: " + problem);
        }

        var (total, page, slice) = query.Run(book, options, 100);
        return Answer.Ok(new V1RecordPage { TotalNum = total, Page = page, CallRecordList = [.. slice.Select(c => RecordShapes.ToV1(c, options.SdkAppId))] });
    }
}
