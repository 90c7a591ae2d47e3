namespace Campaigns.TencentCall;

/// <summary>
/// The vendor's two API generations, one name wherever either is meant: the envelope an answer comes in (the same
/// error number means different things in each) and which call-records API the client reads (<c>TencentCall:RecordsApi</c>).
/// </summary>
public enum ApiGeneration
{
    /// <summary>
    /// v4: the IM REST envelope (ActionStatus/ErrorCode/ErrorInfo); its records API is <c>call_record_http_srv</c> on the
    /// regional domain (200 requests/s).
    /// </summary>
    V4,

    /// <summary>
    /// v1: the call-records envelope (errorCode/errorMessage/data) of <c>records</c> on callkit-intl (by callId limited to
    /// 20 requests/s).
    /// </summary>
    V1,
}
