using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Campaigns.TencentCall.Validation;
using Campaigns.TencentCall.Wire;
using Microsoft.Extensions.Options;

namespace Campaigns.TencentCall.Http;

/// <summary>The HTTP implementation of <see cref="ITencentCallClient"/>.</summary>
internal sealed class TencentCallClient(TencentTransport transport, IOptions<TencentCallOptions> options) : ITencentCallClient
{
    private const string CallEngine = "v4/call_engine_http_srv/";
    private const string CallRecordV4 = "v4/call_record_http_srv/";
    private const string RecordsV1 = "v1/records/";

    public async Task<StartCallResult> StartCallByRobotAsync(StartCallRequest request, CancellationToken cancellationToken = default)
    {
        var problems = request is null ? [new ValidationProblem("request", "is required")] : StartCallValidator.Validate(request);
        if (problems.Count > 0)
        {
            throw new TencentCallValidationException(TencentApi.StartCallByRobot, problems);
        }

        var reply = await transport.PostV4Async<V4StartCallRequest, V4StartCallResponse>(
            TencentApi.StartCallByRobot, CallEngine + "start_call_by_robot", WireMapper.ToWire(request!), cancellationToken).ConfigureAwait(false);
        var response = reply.Envelope.Response;
        if (string.IsNullOrEmpty(response?.CallId))
        {
            // OK without a CallId: something may have been done that cannot be tracked. Unknown, never "not placed".
            throw new TencentCallException(
                "start_call_by_robot answered OK without a CallId: the callees may be ringing",
                TencentErrorKind.Unknown,
                TencentApi.StartCallByRobot,
                ApiGeneration.V4,
                requestId: reply.Envelope.RequestId,
                requestMayHaveTakenEffect: true);
        }

        if (response.CallResult is null)
        {
            // The call exists, but who was rung is unknown: an empty list would read as "nobody rung".
            throw new TencentCallException(
                $"start_call_by_robot answered OK without CallResult for call {response.CallId}: who was rung is unknown",
                TencentErrorKind.Unknown,
                TencentApi.StartCallByRobot,
                ApiGeneration.V4,
                requestId: reply.Envelope.RequestId,
                requestMayHaveTakenEffect: true,
                callId: response.CallId);
        }

        var callees = response.CallResult.Select(c => new CalleeStartResult(c.CalleeAccount ?? string.Empty, c.ResultCode)).ToList();
        return new StartCallResult(response.CallId, callees, reply.Envelope.RequestId);
    }

    public async Task<CallStatus> GetCallInfoAsync(string callId, CancellationToken cancellationToken = default)
    {
        RequireCallId(callId, TencentApi.GetCallInfo);
        var reply = await transport.PostV4Async<V4CallIdRequest, V4CallInfoResponse>(
            TencentApi.GetCallInfo,
            CallEngine + "get_call_info",
            new V4CallIdRequest { CallId = callId },
            cancellationToken,
            settledIsAnswer: true).ConfigureAwait(false);
        if (reply.Settled)
        {
            return CallStatus.Ended(callId);
        }

        // Only 101004 means ended: an OK without Response says nothing about the call.
        return reply.Envelope.Response is { } response
            ? WireMapper.FromV4(callId, response)
            : throw NoPayload(TencentApi.GetCallInfo, ApiGeneration.V4, "Response", reply.Envelope.RequestId);
    }

    public async Task<bool> EndCallAsync(string callId, CancellationToken cancellationToken = default)
    {
        RequireCallId(callId, TencentApi.EndCall);
        var reply = await transport.PostV4Async<V4CallIdRequest, V4Empty>(
            TencentApi.EndCall,
            CallEngine + "end_call",
            new V4CallIdRequest { CallId = callId },
            cancellationToken,
            settledIsAnswer: true).ConfigureAwait(false);
        return !reply.Settled;
    }

    public Task<CallRecord> GetRecordByCallIdAsync(string callId, CancellationToken cancellationToken = default) =>
        GetRecordByCallIdAsync(callId, null, cancellationToken);

    public Task<CallRecord> GetRecordByCallIdAsync(string callId, ApiGeneration? generation, CancellationToken cancellationToken = default)
    {
        RequireCallId(callId, TencentApi.GetRecordByCallId);
        return (generation ?? options.Value.RecordsApi) == ApiGeneration.V4
            ? GetRecordV4Async(callId, cancellationToken)
            : GetRecordV1Async(callId, cancellationToken);
    }

    public Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, CancellationToken cancellationToken = default) =>
        GetRecordsByFilterAsync(filter, null, cancellationToken);

    public Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, ApiGeneration? generation, CancellationToken cancellationToken = default)
    {
        var problems = RecordFilterValidator.Validate(filter);
        if (problems.Count > 0)
        {
            throw new TencentCallValidationException(TencentApi.GetRecordsByFilter, problems);
        }

        return (generation ?? options.Value.RecordsApi) == ApiGeneration.V4
            ? GetRecordsV4Async(filter, cancellationToken)
            : GetRecordsV1Async(filter, cancellationToken);
    }

    public Task<CallRecord?> FindRecordByRoomAsync(RecordLookup lookup, CancellationToken cancellationToken = default) =>
        FindRecordByRoomAsync(lookup, null, cancellationToken);

    public Task<CallRecord?> FindRecordByRoomAsync(RecordLookup lookup, ApiGeneration? generation, CancellationToken cancellationToken = default) =>
        FindRecordByRoomAsync(lookup, generation, null, cancellationToken);

    public async Task<CallRecord?> FindRecordByRoomAsync(
        RecordLookup lookup, ApiGeneration? generation, Func<CancellationToken, ValueTask>? beforeEachPage, CancellationToken cancellationToken = default)
    {
        var problems = RecordFilterValidator.Validate(lookup);
        if (problems.Count > 0)
        {
            throw new TencentCallValidationException(TencentApi.GetRecordsByFilter, problems);
        }

        // Seconds are what the vendor filters on: widen the window to whole seconds on both sides.
        var filter = new RecordFilter(lookup.From.AddSeconds(-1), lookup.To.AddSeconds(1), lookup.NumberPerPage);
        for (var page = 1; page <= lookup.MaxPages; page++)
        {
            if (beforeEachPage is not null)
            {
                await beforeEachPage(cancellationToken).ConfigureAwait(false);
            }

            var result = await GetRecordsByFilterAsync(filter with { Page = page }, generation, cancellationToken).ConfigureAwait(false);
            if (result.Records.FirstOrDefault(lookup.Matches) is { } found)
            {
                return found;
            }

            if (!result.HasMore)
            {
                return null;
            }
        }

        throw new TencentCallException(
            $"record lookup read {lookup.MaxPages} pages without reaching the end: narrow the window",
            TencentErrorKind.Invalid,
            TencentApi.GetRecordsByFilter,
            (generation ?? options.Value.RecordsApi) == ApiGeneration.V4 ? ApiGeneration.V4 : ApiGeneration.V1);
    }

    private async Task<CallRecord> GetRecordV4Async(string callId, CancellationToken cancellationToken)
    {
        var reply = await transport.PostV4Async<V4CallIdRequest, V4RecordResponse>(
            TencentApi.GetRecordByCallId, CallRecordV4 + "get_record_by_callid", new V4CallIdRequest { CallId = callId }, cancellationToken)
            .ConfigureAwait(false);

        // v4 says "not yet" with 101050; an OK without a record is an answer the client cannot read.
        var record = reply.Envelope.Response?.CallRecord;
        return record is null || string.IsNullOrEmpty(record.CallId)
            ? throw NoPayload(TencentApi.GetRecordByCallId, ApiGeneration.V4, "Response.CallRecord", reply.Envelope.RequestId)
            : WireMapper.FromV4(record, RawJson.Find(reply.Body, "Response", "CallRecord"));
    }

    private async Task<CallRecord> GetRecordV1Async(string callId, CancellationToken cancellationToken)
    {
        var reply = await transport.PostV1Async<V1CallIdRequest, V1Record>(
            TencentApi.GetRecordByCallId, RecordsV1 + "get_record_by_callId", new V1CallIdRequest { CallId = callId }, cancellationToken)
            .ConfigureAwait(false);

        // v1 documents no "not found" code; a success with no record in data means "not there yet".
        var record = reply.Envelope.Data;
        return record is null || string.IsNullOrEmpty(record.CallId)
            ? throw new TencentCallException(
                $"no record yet for call {callId}",
                TencentErrorKind.NotFoundYet,
                TencentApi.GetRecordByCallId,
                ApiGeneration.V1,
                requestId: reply.Envelope.RequestId)
            : WireMapper.FromV1(record, RawJson.Find(reply.Body, "data"));
    }

    private async Task<CallRecordPage> GetRecordsV4Async(RecordFilter filter, CancellationToken cancellationToken)
    {
        var body = new V4RecordFilterRequest
        {
            StartTime = filter.From?.ToUnixTimeSeconds(),
            EndTime = filter.To?.ToUnixTimeSeconds(),
            NumberPerPage = filter.NumberPerPage,
            Page = filter.Page,
            CallResult = filter.Result?.ToString(),
            CallType = filter.CallType switch { CallKind.OneToOne => "SingleCall", CallKind.Group => "MultiCall", _ => null },
        };
        var reply = await transport.PostV4Async<V4RecordFilterRequest, V4RecordPageResponse>(
            TencentApi.GetRecordsByFilter, CallRecordV4 + "get_record_by_filter", body, cancellationToken).ConfigureAwait(false);
        var page = reply.Envelope.Response
            ?? throw NoPayload(TencentApi.GetRecordsByFilter, ApiGeneration.V4, "Response", reply.Envelope.RequestId);
        var raws = RawJson.FindArray(reply.Body, "Response", "CallRecordList");
        var records = (page.CallRecordList ?? []).Select((r, i) => WireMapper.FromV4(r, i < raws.Count ? raws[i] : null)).ToList();
        return new CallRecordPage(page.TotalNum, page.Page > 0 ? page.Page : filter.Page, records, HasMore: page.Page > 0);
    }

    private async Task<CallRecordPage> GetRecordsV1Async(RecordFilter filter, CancellationToken cancellationToken)
    {
        var body = new V1FilterRequest
        {
            StartTimestamp = filter.From?.ToUnixTimeSeconds(),
            EndTimestamp = filter.To?.ToUnixTimeSeconds(),
            NumberPerPage = filter.NumberPerPage,
            Page = filter.Page,
            CallResult = filter.Result is { } result ? SnakeCase(result.ToString()) : null,
            CallType = filter.CallType switch { CallKind.OneToOne => "single", CallKind.Group => "group", _ => null },
        };
        var reply = await transport.PostV1Async<V1FilterRequest, V1RecordPage>(
            TencentApi.GetRecordsByFilter, RecordsV1 + "get_records_by_filter", body, cancellationToken).ConfigureAwait(false);
        var page = reply.Envelope.Data
            ?? throw NoPayload(TencentApi.GetRecordsByFilter, ApiGeneration.V1, "data", reply.Envelope.RequestId);
        var raws = RawJson.FindArray(reply.Body, "data", "callRecordList");
        var records = (page.CallRecordList ?? []).Select((r, i) => WireMapper.FromV1(r, i < raws.Count ? raws[i] : null)).ToList();
        return new CallRecordPage(page.TotalNum, page.Page > 0 ? page.Page : filter.Page, records, HasMore: page.Page > 0);
    }

    // NormalEnd → normal_end, the v1 spelling.
    private static string SnakeCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static void RequireCallId(string callId, TencentApi api)
    {
        if (string.IsNullOrWhiteSpace(callId))
        {
            throw new TencentCallValidationException(api, [new ValidationProblem("CallId", "is required")]);
        }
    }

    // An OK answer without its payload: reading it as "ended" or "empty" could lose a call. These are
    // read-only APIs, so asking again is safe.
    private static TencentCallException NoPayload(TencentApi api, ApiGeneration generation, string what, string? requestId) => new(
        $"{api} answered OK without {what}",
        TencentErrorKind.Retryable,
        api,
        generation,
        requestId: requestId);
}
