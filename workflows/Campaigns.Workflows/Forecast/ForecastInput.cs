using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Forecast;

/// <summary>
/// Everything a forecast is made from. No clock is read and nothing is fetched: the caller gives the instant the
/// campaign starts at, what the store knows (running campaigns, do-not-call targets, a mix from history) and the
/// fleet's settings, so the same input always gives the same forecast (and a workflow could make it).
/// </summary>
public sealed record ForecastInput
{
    /// <summary>The campaign, validated (<see cref="Validation.CampaignValidator"/>).</summary>
    public required CampaignSpec Spec { get; init; }

    /// <summary>Its targets: inline callees and groups, or those imported.</summary>
    public required long Targets { get; init; }

    /// <summary>Targets with a callee on the do-not-call list: never dialed.</summary>
    public long Skipped { get; init; }

    /// <summary>The result mix per attempt.</summary>
    public ResultMix Mix { get; init; } = ResultMix.Default;

    /// <summary>Workers and callee timings.</summary>
    public ForecastSettings Settings { get; init; } = new();

    /// <summary>Campaigns already dialing on the same fleet.</summary>
    public IReadOnlyList<RunningCampaign> Running { get; init; } = [];

    /// <summary>
    /// Targets per callee time zone (an IANA id; "" for callees without one, called in the window's own zone), in any
    /// proportion: they split the targets into groups, each waiting for the window in its own zone. Null or empty: every
    /// callee in the window's zone.
    /// </summary>
    public IReadOnlyDictionary<string, long>? TargetsByZone { get; init; }

    /// <summary>The app's holidays: each closes its whole local date in its zone (docs/callee-time-zones.md).</summary>
    public IReadOnlyList<(DateOnly Date, string TimeZone)> Holidays { get; init; } = [];

    /// <summary>
    /// The contact caps its attempts are claimed under (the app's policy, tightened by the campaign's <c>contactPolicy</c>):
    /// a redial beyond a cap's limit waits out the cap's window.
    /// </summary>
    public IReadOnlyList<(int Limit, TimeSpan Window)> ContactCaps { get; init; } = [];

    /// <summary>
    /// Targets whose callees the caps hold back at the start (rung lately by other campaigns): when each frees, the
    /// zone of its callees ("" for none), how many. Dialed from then on, not in the first pass.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset FreeAt, string Zone, long Targets)> CappedTargets { get; init; } = [];

    /// <summary>When the campaign starts (the caller's now).</summary>
    public required DateTimeOffset At { get; init; }
}
