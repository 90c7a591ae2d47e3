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

    /// <summary>How long after a call ends its record can be read, in simulated seconds (vendor: about 5 s).</summary>
    public double RecordDelaySeconds { get; set; } = 5;

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

    /// <summary>Not reachable: Offline after a second.</summary>
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

    /// <summary>Added to every request, in real milliseconds.</summary>
    public int LatencyMs { get; init; }

    /// <summary>How long a hung request is held, in real seconds (until the client gives up, at most this).</summary>
    public double HangSeconds { get; init; } = 120;

    /// <summary>APIs the rates apply to (names as in /admin/requests); empty means all.</summary>
    public IReadOnlyList<string> Apis { get; init; } = [];
}

/// <summary>Frequency limits, in requests per real second per API.</summary>
public sealed class RateLimitOptions
{
    /// <summary>False lifts every limit (benchmarks).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The limit of every API not named in <see cref="PerApi"/> (vendor: 200/s).</summary>
    public int DefaultPerSecond { get; set; } = 200;

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
