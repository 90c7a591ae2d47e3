namespace Campaigns.TencentCall.Errors;

/// <summary>What a caller should do about a failed Tencent request.</summary>
public enum TencentErrorKind
{
    /// <summary>Transient: try again with backoff (101001, 70169, 70500, 5xx, transport faults).</summary>
    Retryable,

    /// <summary>A frequency limit answered: try again later, slower.</summary>
    RateLimited,

    /// <summary>The call has ended (101004 on a call that was started): for polling this is success.</summary>
    Settled,

    /// <summary>The record does not exist yet (v4 101050, v1 empty data): records lag the call's end.</summary>
    NotFoundYet,

    /// <summary>The request itself is wrong; repeating it cannot help.</summary>
    Invalid,

    /// <summary>UserSig, identifier or SDKAppID problem: a configuration fault, repeating cannot help.</summary>
    Auth,

    /// <summary>A code with no documented meaning: do not retry blindly.</summary>
    Unknown,
}

/// <summary>The APIs the client talks to.</summary>
public enum TencentApi
{
    /// <summary>v4 call_engine_http_srv/start_call_by_robot.</summary>
    StartCallByRobot,

    /// <summary>v4 call_engine_http_srv/get_call_info.</summary>
    GetCallInfo,

    /// <summary>v4 call_engine_http_srv/end_call.</summary>
    EndCall,

    /// <summary>v4 call_record_http_srv/get_record_by_callid or v1 records/get_record_by_callId.</summary>
    GetRecordByCallId,

    /// <summary>v4 call_record_http_srv/get_record_by_filter or v1 records/get_records_by_filter.</summary>
    GetRecordsByFilter,

    /// <summary>v4 call_config/set_callback.</summary>
    SetCallback,

    /// <summary>v4 call_config/get_callback.</summary>
    GetCallback,

    /// <summary>v4 call_config/delete_callback.</summary>
    DeleteCallback,
}
