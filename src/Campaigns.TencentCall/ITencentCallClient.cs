using Campaigns.TencentCall.Models;

namespace Campaigns.TencentCall;

/// <summary>
/// Tencent TRTC Call's server APIs. Failures throw <see cref="Errors.TencentCallException"/> whose
/// <see cref="Errors.TencentCallException.Kind"/> tells the caller what to do.
/// </summary>
public interface ITencentCallClient
{
    /// <summary>
    /// Rings the callees from a robot (<c>start_call_by_robot</c>). The API has no idempotency key:
    /// never retry a failure whose <see cref="Errors.TencentCallException.RequestMayHaveTakenEffect"/> is true
    /// without first finding out whether the call was placed.
    /// </summary>
    Task<StartCallResult> StartCallByRobotAsync(StartCallRequest request, CancellationToken cancellationToken = default);

    /// <summary>The live state of a call (<c>get_call_info</c>); an ended call (101004) comes back with <see cref="CallStatus.HasEnded"/>.</summary>
    Task<CallStatus> GetCallInfoAsync(string callId, CancellationToken cancellationToken = default);

    /// <summary>Hangs a call up (<c>end_call</c>); false when it had already ended (101004), so it is safe to repeat.</summary>
    Task<bool> EndCallAsync(string callId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The final record of a call from the configured records generation. Records lag the call's end:
    /// a record that does not exist yet throws with kind <see cref="Errors.TencentErrorKind.NotFoundYet"/>.
    /// </summary>
    Task<CallRecord> GetRecordByCallIdAsync(string callId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The final record of a call from the records generation <paramref name="generation"/> (null: the
    /// configured <see cref="TencentCallOptions.RecordsApi"/>), chosen per request: campaigns may differ.
    /// </summary>
    Task<CallRecord> GetRecordByCallIdAsync(string callId, ApiGeneration? generation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records of a period, a page at a time (last 7 days only), optionally of one result or call type.
    /// Ask for the next page only while <see cref="CallRecordPage.HasMore"/> is true.
    /// </summary>
    Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, CancellationToken cancellationToken = default);

    /// <summary>A page of records from the generation <paramref name="generation"/> (null: the configured one).</summary>
    Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, ApiGeneration? generation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds a placed call without its CallId (its start answer was lost), through the by-filter
    /// record query of the configured records generation (v4 by default): the record whose caller is
    /// the robot, whose callees are exactly the lookup's, and whose RoomId is the lookup's, among calls
    /// started in the window; every page is read until the vendor says no more data. Null when no
    /// record matches <em>yet</em>: records appear only after the call ends (about 5 s later, not
    /// guaranteed), so null is "not found so far", not "never placed".
    /// </summary>
    Task<CallRecord?> FindRecordByRoomAsync(RecordLookup lookup, CancellationToken cancellationToken = default);

    /// <summary>Finds a placed call by its RoomId in the records of <paramref name="generation"/> (null: the configured one).</summary>
    Task<CallRecord?> FindRecordByRoomAsync(RecordLookup lookup, ApiGeneration? generation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds a placed call by its RoomId, awaiting <paramref name="beforeEachPage"/> before every page request:
    /// a lookup may read many pages, and each is a request the vendor counts against its per-app limit.
    /// </summary>
    Task<CallRecord?> FindRecordByRoomAsync(
        RecordLookup lookup, ApiGeneration? generation, Func<CancellationToken, ValueTask>? beforeEachPage, CancellationToken cancellationToken = default);
}
