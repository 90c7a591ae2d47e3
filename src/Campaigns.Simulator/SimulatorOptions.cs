namespace Campaigns.Simulator;

/// <summary>Everything the simulator can be told (configuration section <c>Simulator</c>).</summary>
public sealed class SimulatorOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Simulator";

    /// <summary>The one SDKAppID this fake Tencent knows.</summary>
    public long SdkAppId { get; set; } = 1400000001;

    /// <summary>The app's SecretKey, used to verify UserSigs. A local test value, never a real key.</summary>
    public string SecretKey { get; set; } = "simulator-secret-key";

    /// <summary>App administrators allowed to call the REST APIs.</summary>
    public IList<string> AdminIdentifiers { get; } = ["administrator"];

    /// <summary>Simulated seconds per real second: 60 makes a one-minute ring last one real second.</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>Seed of every random choice, so the same callee list gives the same outcomes.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// Median time between a call's end and its record becoming readable, in simulated seconds (vendor:
    /// "about 5 s"). Each call's delay is random around it (<see cref="RecordOptions.DelaySpread"/>).
    /// </summary>
    public double RecordDelaySeconds { get; set; } = 5;

    /// <summary>Most people in one call, the robot included (vendor: 9); larger starts are answered 101002.</summary>
    public int MaxCallSize { get; set; } = 9;

    /// <summary>How records lag, go missing and expire.</summary>
    public RecordOptions Records { get; set; } = new();

    /// <summary>Bounds on what one request and the whole simulator may hold.</summary>
    public MemoryLimits Limits { get; set; } = new();

    /// <summary>The vendor's call-status callbacks, sent to a URL of your choice.</summary>
    public CallbackOptions Callbacks { get; set; } = new();

    /// <summary>How callees behave.</summary>
    public CalleeScenario Scenario { get; set; } = new();

    /// <summary>Faults injected at random.</summary>
    public FaultRates Faults { get; set; } = new();

    /// <summary>Per-API frequency limits.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();
}

/// <summary>What a callee does when rung.</summary>
public enum CalleeBehaviour
{
    /// <summary>Rings, is answered, talks, hangs up: NormalEnd.</summary>
    Answer,

    /// <summary>Rings, then rejects: Reject.</summary>
    Reject,

    /// <summary>Already in a call: CallBusy at once.</summary>
    Busy,

    /// <summary>Not reachable: rings until the request's Timeout, recorded NotAnswer (Offline only in callbacks).</summary>
    Offline,

    /// <summary>Rings until the request's Timeout: NotAnswer.</summary>
    NotAnswer,
}

/// <summary>The mix of callee behaviours and their timing, in simulated seconds.</summary>
public sealed class CalleeScenario
{
    /// <summary>Weight of <see cref="CalleeBehaviour.Answer"/>.</summary>
    public double AnswerRate { get; set; } = 0.6;

    /// <summary>Weight of <see cref="CalleeBehaviour.Reject"/>.</summary>
    public double RejectRate { get; set; } = 0.1;

    /// <summary>Weight of <see cref="CalleeBehaviour.Busy"/>.</summary>
    public double BusyRate { get; set; } = 0.1;

    /// <summary>Weight of <see cref="CalleeBehaviour.Offline"/>.</summary>
    public double OfflineRate { get; set; } = 0.05;

    /// <summary>Weight of <see cref="CalleeBehaviour.NotAnswer"/>.</summary>
    public double NotAnswerRate { get; set; } = 0.15;

    /// <summary>Shortest ring before an answer or a reject.</summary>
    public double RingMinSeconds { get; set; } = 2;

    /// <summary>Longest ring before an answer or a reject.</summary>
    public double RingMaxSeconds { get; set; } = 20;

    /// <summary>Shortest talk.</summary>
    public double TalkMinSeconds { get; set; } = 5;

    /// <summary>Longest talk.</summary>
    public double TalkMaxSeconds { get; set; } = 60;

    /// <summary>
    /// Share of callees a start answers with a non-zero <c>ResultCode</c> (<see cref="NotRungResultCode"/>):
    /// they are not rung, and appear in no ring count.
    /// </summary>
    public double NotRungRate { get; set; } = 0.01;

    /// <summary>The ResultCode given to a callee that was not rung (the vendor publishes no table; 70107 is "account not imported").</summary>
    public long NotRungResultCode { get; set; } = 70107;

    /// <summary>Share of successful start answers that carry a CallId but no <c>CallResult</c> (one vendor page shows none).</summary>
    public double NoCallResultRate { get; set; } = 0.01;

    /// <summary>Callee-id prefixes that force a behaviour, e.g. <c>"busy-": "Busy"</c>; longest prefix wins.</summary>
    public IDictionary<string, CalleeBehaviour> Forced { get; } = new Dictionary<string, CalleeBehaviour>(StringComparer.Ordinal);
}

/// <summary>Random faults; every rate is a probability per request, 0–1.</summary>
public sealed record FaultRates
{
    /// <summary>Answer 101001 (v4) or an internal error (v1) without doing anything.</summary>
    public double Error101001Rate { get; init; }

    /// <summary>Answer HTTP 502 without doing anything.</summary>
    public double Http502Rate { get; init; }

    /// <summary>Hold the request past any client timeout without doing anything.</summary>
    public double HangRate { get; init; }

    /// <summary>Do the work (place the call!) and then never answer: the dangerous one for double rings.</summary>
    public double PlaceThenHangRate { get; init; }

    /// <summary>Answer 60018 (v1: 70005), a frequency limit, without doing anything.</summary>
    public double Error60018Rate { get; init; }

    /// <summary>Answer 60011 (v1: 70005), the app-wide frequency limit, without doing anything.</summary>
    public double Error60011Rate { get; init; }

    /// <summary>Answer 70500 (v1: an internal error) without doing anything.</summary>
    public double Error70500Rate { get; init; }

    /// <summary>Do the work (place the call!), then answer 70169 (v1: an internal error): the gateway gave up waiting.</summary>
    public double Error70169Rate { get; init; }

    /// <summary>Do the work (place the call!), then answer HTTP 502.</summary>
    public double PlaceThen502Rate { get; init; }

    /// <summary>Added to every request, in real milliseconds.</summary>
    public int LatencyMs { get; init; }

    /// <summary>How long a hung request is held, in real seconds (until the client gives up, at most this).</summary>
    public double HangSeconds { get; init; } = 120;

    /// <summary>APIs the rates apply to (names as in /admin/requests); empty means all.</summary>
    public IReadOnlyList<string> Apis { get; init; } = [];
}

/// <summary>How records lag, go missing and expire; times in simulated time.</summary>
public sealed class RecordOptions
{
    /// <summary>Spread of the record delay: the delay is the median times e^(spread·N(0,1)) (log-normal).</summary>
    public double DelaySpread { get; set; } = 0.5;

    /// <summary>Share of records that come minutes late.</summary>
    public double LateRate { get; set; } = 0.02;

    /// <summary>Shortest extra lag of a late record, in minutes.</summary>
    public double LateMinMinutes { get; set; } = 1;

    /// <summary>Longest extra lag of a late record, in minutes.</summary>
    public double LateMaxMinutes { get; set; } = 10;

    /// <summary>Share of calls whose record never appears.</summary>
    public double MissingRate { get; set; } = 0.01;

    /// <summary>Records older than this (from the call's end) are gone, as the vendor keeps 7 days.</summary>
    public double RetentionDays { get; set; } = 7;

    /// <summary>Most records in one by-filter page; a larger NumberPerPage is served this many, silently.</summary>
    public int MaxPerPage { get; set; } = 100;
}

/// <summary>Bounds that keep the simulator's memory flat through a long benchmark.</summary>
public sealed class MemoryLimits
{
    /// <summary>Largest request body read, in bytes; a larger one is answered HTTP 413 with 60003 (v1: 70009) unread.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Most calls kept in full (for get_call_info, records and /admin/calls); beyond it the oldest ended
    /// calls are forgotten (their records with them). Ring counts per callee are kept regardless.
    /// </summary>
    public int MaxCalls { get; set; } = 200_000;

    /// <summary>Most wall-clock seconds of per-second request counts kept per API.</summary>
    public int StatsSeconds { get; set; } = 3600;
}

/// <summary>
/// Frequency limits, in requests per real second per API, enforced as sliding windows: no 1-second
/// window, however aligned, admits more than the limit.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>False lifts every limit (benchmarks).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The limit of every API not named in <see cref="PerApi"/> (vendor: 200/s).</summary>
    public int DefaultPerSecond { get; set; } = 200;

    /// <summary>
    /// One limit over all APIs together, answered 60011 (v1: 70005) beyond it; 0 means none (the vendor
    /// documents the code, not the figure).
    /// </summary>
    public int AppWidePerSecond { get; set; }

    /// <summary>Limits of single APIs (vendor: v1 by-callId 20/s).</summary>
    public IDictionary<string, int> PerApi { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [ApiNames.V1RecordByCallId] = 20,
    };
}

/// <summary>The names the simulator uses for its APIs (rate limits, faults, statistics).</summary>
public static class ApiNames
{
    /// <summary>v4 start_call_by_robot.</summary>
    public const string StartCallByRobot = "start_call_by_robot";

    /// <summary>v4 get_call_info.</summary>
    public const string GetCallInfo = "get_call_info";

    /// <summary>v4 end_call.</summary>
    public const string EndCall = "end_call";

    /// <summary>v4 call_record_http_srv/get_record_by_callid.</summary>
    public const string V4RecordByCallId = "get_record_by_callid";

    /// <summary>v4 call_record_http_srv/get_record_by_filter.</summary>
    public const string V4RecordsByFilter = "get_record_by_filter";

    /// <summary>v1 records/get_record_by_callId.</summary>
    public const string V1RecordByCallId = "v1/get_record_by_callId";

    /// <summary>v1 records/get_records_by_filter.</summary>
    public const string V1RecordsByFilter = "v1/get_records_by_filter";
}
