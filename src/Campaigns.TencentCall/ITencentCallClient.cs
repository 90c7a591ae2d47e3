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

    /// <summary>Records of a period, a page at a time (last 7 days only).</summary>
    Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, CancellationToken cancellationToken = default);
}
