using Campaigns.TencentCall;
using Campaigns.TencentCall.Models;

namespace Campaigns.Workflows.Contract;

/// <summary>
/// A campaign as an operator writes it by hand (camelCase JSON, enums as strings, property names
/// case-insensitive). Every field and its default is documented in the README; the validator
/// (<see cref="Validation.CampaignValidator"/>) checks every rule before anything is dialed.
/// </summary>
public sealed record CampaignSpec
{
    /// <summary>The campaign's id: 1–64 of letters, digits, <c>_ - .</c>; the workflow id is <c>campaign-{id}</c>.</summary>
    public string? CampaignId { get; init; }

    /// <summary>The robot UserID that places the calls (the vendor's UserID rule).</summary>
    public string? RobotAccount { get; init; }

    /// <summary>
    /// Callees rung one by one (a 1v1 call each). In the JSON an entry is a user id, or an object
    /// <c>{"userId": …, "timeZone": …}</c> whose zone goes to <see cref="CalleeTimeZones"/> (docs/callee-time-zones.md).
    /// </summary>
    public IReadOnlyList<string>? Callees { get; init; }

    /// <summary>
    /// Inline callees' IANA time zones (callee → zone), from the callee objects of <c>callees</c>: the calling window
    /// applies in the callee's zone (the campaign's when a callee has none). Kept apart so that <see cref="Callees"/>
    /// stays a list of ids everywhere else.
    /// </summary>
    public IReadOnlyDictionary<string, string>? CalleeTimeZones { get; init; }

    /// <summary>Group calls: each entry is the callees of one call (at most 8, the robot makes 9).</summary>
    public IReadOnlyList<IReadOnlyList<string>>? Groups { get; init; }

    /// <summary>True when the targets were imported into the store beforehand (the CLI's <c>import</c>), for large campaigns.</summary>
    public bool TargetsImported { get; init; }

    /// <summary><c>Audio</c> (default) or <c>Video</c>.</summary>
    public MediaType MediaType { get; init; } = MediaType.Audio;

    /// <summary>How long a callee rings before the call gives up, 10 000–600 000 ms (default 30 000).</summary>
    public int RingTimeoutMs { get; init; } = 30_000;

    /// <summary>Passed to callees in the call notification; at most 1000 UTF-8 bytes.</summary>
    public string? UserData { get; init; }

    /// <summary>
    /// The TRTC string room id of each attempt; must contain <c>{attemptKey}</c>, which makes it unique per
    /// attempt — the handle that finds a call whose start answer was lost. Default <c>cmp-{attemptKey}</c>.
    /// </summary>
    public string RoomIdTemplate { get; init; } = "cmp-{attemptKey}";

    /// <summary>IM offline push for callees whose app is not running (optional).</summary>
    public OfflinePushSpec? OfflinePush { get; init; }

    /// <summary>How fast this campaign may dial, within the worker's per-app budget.</summary>
    public RateSpec Rate { get; init; } = new();

    /// <summary>
    /// This campaign's own caps on each vendor API, in requests per second (default: none, the app's budget).
    /// They can only lower the campaign's use: the worker's app-wide budget stays the ceiling for everyone.
    /// </summary>
    public BudgetsSpec? Budgets { get; init; }

    /// <summary>Where this campaign's call records are read from (default: the worker's <c>TencentCall:RecordsApi</c>).</summary>
    public RecordsSpec? Records { get; init; }

    /// <summary>Which results are dialed again (default: none).</summary>
    public RedialSpec Redial { get; init; } = new();

    /// <summary>When calls may be placed (default: any time).</summary>
    public CallingWindowSpec? CallingWindow { get; init; }

    /// <summary>
    /// When the campaign begins: an ISO-8601 instant with an offset (<c>2027-03-01T09:00:00+08:00</c>). The workflow
    /// waits on a durable timer until then, before it registers anything or dials anyone (default: at once).
    /// </summary>
    public string? StartAt { get; init; }

    /// <summary>
    /// When dispatch stops for good: an ISO-8601 instant with an offset, after <see cref="StartAt"/>. Calls in flight
    /// then are watched to their end; targets never dialed end <c>NotDialed</c>, and the campaign ends Completed.
    /// </summary>
    public string? EndBy { get; init; }

    /// <summary>
    /// A template run by a Temporal Schedule (<c>campaigns schedule create</c>): <see cref="CampaignId"/> is the
    /// schedule's id, and each run is a campaign of its own, <c>&lt;campaignId&gt;-&lt;yyyyMMddTHHmmss&gt;</c> of its
    /// scheduled time (see <see cref="ScheduledCampaigns"/>).
    /// </summary>
    public bool Recurring { get; init; }

    /// <summary>This campaign's frequency caps per callee, tightening the app's (default: the app's policy alone).</summary>
    public ContactPolicySpec? ContactPolicy { get; init; }
}

/// <summary>IM offline push settings.</summary>
public sealed record OfflinePushSpec
{
    /// <summary>0 = push (default), 1 = no push.</summary>
    public int PushFlag { get; init; }

    /// <summary>Notification title.</summary>
    public string? Title { get; init; }

    /// <summary>Notification text.</summary>
    public string? Desc { get; init; }

    /// <summary>Pass-through for the app.</summary>
    public string? Ext { get; init; }
}

/// <summary>
/// The campaign's caps within the vendor's per-app limit. The limit itself (200 requests/s per API) is the
/// worker's configuration, shared by every campaign it runs.
/// </summary>
public sealed record RateSpec
{
    /// <summary>At most this many calls started per second (null: as fast as the worker's share allows).</summary>
    public int? MaxCallsPerSecond { get; init; }

    /// <summary>The default of <see cref="MaxCallsInFlight"/>: 200 starts/s × 100 s, above what calls of a minute need at the vendor's rate.</summary>
    public const int DefaultMaxCallsInFlight = 20_000;

    /// <summary>
    /// Live calls at once for this campaign on a worker: started and not yet ended (ringing or talking). A call
    /// frees its slot when it ends, while its record is still awaited. Null: <see cref="DefaultMaxCallsInFlight"/>.
    /// It protects the callees' side (agents, lines, a robot's capacity) and the worker's polling budget.
    /// </summary>
    public int? MaxCallsInFlight { get; init; }

    /// <summary>
    /// This campaign's part of the worker's share of starts while other campaigns also wait for it, 1–100 (default 1):
    /// two campaigns with weights 3 and 1 get 3/4 and 1/4 of the starts; a campaign alone gets all of them.
    /// </summary>
    public int Weight { get; init; } = 1;
}

/// <summary>
/// A campaign's caps per vendor API, requests per second, each 1–200 (null: the app's budget, i.e. whatever
/// the worker's shared budget leaves). A cap holds for this campaign only, in any 1-second window; the
/// worker's per-app budget (<c>Campaigns:Budget:*</c>, shared by every campaign) is still passed after it.
/// </summary>
public sealed record BudgetsSpec
{
    /// <summary>
    /// <c>start_call_by_robot</c> per second: the same cap as <c>rate.maxCallsPerSecond</c> (give either, or both
    /// with the same value; the <c>setRate</c> update replaces it).
    /// </summary>
    public int? StartCall { get; init; }

    /// <summary><c>get_call_info</c> polls per second for this campaign's calls (a lower cap polls its calls less often).</summary>
    public int? GetCallInfo { get; init; }

    /// <summary><c>end_call</c> per second (hang-ups when the campaign is cancelled).</summary>
    public int? EndCall { get; init; }

    /// <summary>Record requests per second (by CallId, by-filter pages, reconcile lookups); at most 20 with <c>records.api</c> v1.</summary>
    public int? Records { get; init; }
}

/// <summary>Where a campaign's call records come from.</summary>
public sealed record RecordsSpec
{
    /// <summary><c>v4</c> or <c>v1</c> (null: the worker's <c>TencentCall:RecordsApi</c>, v4 by default).</summary>
    public ApiGeneration? Api { get; init; }
}
