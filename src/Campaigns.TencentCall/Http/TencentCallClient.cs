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
        var problems = StartCallValidator.Validate(request);
        if (problems.Count > 0)
        {
            throw new TencentCallValidationException(TencentApi.StartCallByRobot, problems);
        }

        var reply = await transport.PostV4<V4StartCallRequest, V4StartCallResponse>(
            TencentApi.StartCallByRobot, CallEngine + "start_call_by_robot", WireMapper.ToWire(request), cancellationToken).ConfigureAwait(false);
        var response = reply.Envelope.Response;
        if (string.IsNullOrEmpty(response?.CallId))
        {
            // OK without a CallId: something was done that cannot be tracked. Treat as unknown, never as "not placed".
            throw new TencentCallException(
                "start_call_by_robot answered OK without a CallId",
                TencentErrorKind.Unknown,
                TencentApi.StartCallByRobot,
                ApiGeneration.V4,
                requestId: reply.Envelope.RequestId,
                requestMayHaveTakenEffect: true);
        }

        var callees = (response.CallResult ?? [])
            .Select(c => new CalleeStartResult(c.CalleeAccount ?? "", c.ResultCode))
            .ToList();
        return new StartCallResult(response.CallId, callees, reply.Envelope.RequestId);
    }

    public async Task<CallStatus> GetCallInfoAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        var reply = await transport.PostV4<V4CallIdRequest, V4CallInfoResponse>(
            TencentApi.GetCallInfo, CallEngine + "get_call_info", new V4CallIdRequest { CallId = callId }, cancellationToken,
            settledIsAnswer: true).ConfigureAwait(false);
        return reply.Settled || reply.Envelope.Response is null
            ? CallStatus.Ended(callId)
            : WireMapper.FromV4(callId, reply.Envelope.Response);
    }

    public async Task<bool> EndCallAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        var reply = await transport.PostV4<V4CallIdRequest, V4Empty>(
            TencentApi.EndCall, CallEngine + "end_call", new V4CallIdRequest { CallId = callId }, cancellationToken,
            settledIsAnswer: true).ConfigureAwait(false);
        return !reply.Settled;
    }

    public Task<CallRecord> GetRecordByCallIdAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        return options.Value.RecordsApi == RecordsApiGeneration.V4
            ? GetRecordV4Async(callId, cancellationToken)
            : GetRecordV1Async(callId, cancellationToken);
    }

    public Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.NumberPerPage is < 1 or > 100 || filter.Page < 1)
        {
            throw new TencentCallValidationException(
                TencentApi.GetRecordsByFilter,
                [new ValidationProblem("NumberPerPage/Page", "NumberPerPage must be 1–100 and Page at least 1")]);
        }

        return options.Value.RecordsApi == RecordsApiGeneration.V4
            ? GetRecordsV4Async(filter, cancellationToken)
            : GetRecordsV1Async(filter, cancellationToken);
    }

    private async Task<CallRecord> GetRecordV4Async(string callId, CancellationToken cancellationToken)
    {
        var reply = await transport.PostV4<V4CallIdRequest, V4RecordResponse>(
            TencentApi.GetRecordByCallId, CallRecordV4 + "get_record_by_callid", new V4CallIdRequest { CallId = callId }, cancellationToken)
            .ConfigureAwait(false);
        var record = reply.Envelope.Response?.CallRecord;
        return record is null || string.IsNullOrEmpty(record.CallId)
            ? throw NotFoundYet(ApiGeneration.V4, callId, reply.Envelope.RequestId)
            : WireMapper.FromV4(record, RawJson.Find(reply.Body, "Response", "CallRecord"));
    }

    private async Task<CallRecord> GetRecordV1Async(string callId, CancellationToken cancellationToken)
    {
        var reply = await transport.PostV1<V1CallIdRequest, V1Record>(
            TencentApi.GetRecordByCallId, RecordsV1 + "get_record_by_callId", new V1CallIdRequest { CallId = callId }, cancellationToken)
            .ConfigureAwait(false);

        // v1 documents no "not found" code; a success with no record in data means "not there yet".
        var record = reply.Envelope.Data;
        return record is null || string.IsNullOrEmpty(record.CallId)
            ? throw NotFoundYet(ApiGeneration.V1, callId, reply.Envelope.RequestId)
            : WireMapper.FromV1(record, RawJson.Find(reply.Body, "data"));
    }

    private async Task<CallRecordPage> GetRecordsV4Async(RecordFilter filter, CancellationToken cancellationToken)
    {
        var body = new V4RecordFilterRequest
        {
            StartTime = filter.From.ToUnixTimeSeconds(),
            EndTime = filter.To?.ToUnixTimeSeconds(),
            NumberPerPage = filter.NumberPerPage,
            Page = filter.Page,
        };
        var reply = await transport.PostV4<V4RecordFilterRequest, V4RecordPageResponse>(
            TencentApi.GetRecordsByFilter, CallRecordV4 + "get_record_by_filter", body, cancellationToken).ConfigureAwait(false);
        var page = reply.Envelope.Response ?? new V4RecordPageResponse();
        var raws = RawJson.FindArray(reply.Body, "Response", "CallRecordList");
        var records = (page.CallRecordList ?? []).Select((r, i) => WireMapper.FromV4(r, i < raws.Count ? raws[i] : null)).ToList();
        return new CallRecordPage(page.TotalNum, page.Page == 0 ? filter.Page : page.Page, records);
    }

    private async Task<CallRecordPage> GetRecordsV1Async(RecordFilter filter, CancellationToken cancellationToken)
    {
        var body = new V1FilterRequest
        {
            StartTimestamp = filter.From.ToUnixTimeSeconds(),
            EndTimestamp = filter.To?.ToUnixTimeSeconds(),
            NumberPerPage = filter.NumberPerPage,
            Page = filter.Page,
        };
        var reply = await transport.PostV1<V1FilterRequest, V1RecordPage>(
            TencentApi.GetRecordsByFilter, RecordsV1 + "get_records_by_filter", body, cancellationToken).ConfigureAwait(false);
        var page = reply.Envelope.Data ?? new V1RecordPage();
        var raws = RawJson.FindArray(reply.Body, "data", "callRecordList");
        var records = (page.CallRecordList ?? []).Select((r, i) => WireMapper.FromV1(r, i < raws.Count ? raws[i] : null)).ToList();
        return new CallRecordPage(page.TotalNum, page.Page == 0 ? filter.Page : page.Page, records);
    }

    private static TencentCallException NotFoundYet(ApiGeneration generation, string callId, string? requestId) => new(
        $"no record yet for call {callId}",
        TencentErrorKind.NotFoundYet,
        TencentApi.GetRecordByCallId,
        generation,
        requestId: requestId);
}
