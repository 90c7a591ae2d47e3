using Campaigns.Workflows.Forecast;
using Campaigns.Workflows.Validation;
using Temporalio.Workflows;

namespace Campaigns.Workflows;

/// <content>The <c>forecast</c> query: what is left of a running campaign, forecast with the CLI's own model.</content>
public partial class CampaignWorkflow
{
    /// <summary>Finished attempts below which the campaign's own results say too little: the default mix is used.</summary>
    internal const int OwnMixAfter = 50;

    /// <summary>
    /// The forecast of what is left (the same model as <c>campaigns forecast</c>): the targets not yet dispatched
    /// and the attempts waiting in the store (redials, deferred), at the campaign's pace now (its cap after any
    /// <c>setRate</c>, else the fleet's share of the start limit its registration reported), its calling window, from now or its
    /// <c>startAt</c>. The result mix is the campaign's own so far once <see cref="OwnMixAfter"/> targets finished,
    /// else the simulator's default. What it cannot see: other campaigns sharing the vendor's limit (<c>campaigns forecast</c>
    /// asks the store for those) and the worker's watch settings (defaults assumed); calls already placed are not
    /// counted, their outcomes come within a call's length and a record's wait.
    /// </summary>
    [WorkflowQuery("forecast")]
    public CampaignForecast ForecastLeft()
    {
        var left = Math.Max(0, state.Targets - (state.NextSeq - 1)) + (storePending ? state.PendingLeft : state.Pending.Count);
        var finished = state.Progress.ByResult.Values.Sum();
        var mix = finished >= OwnMixAfter && state.Progress.ByResult.Any(p => ResultMix.Known.Contains(p.Key, StringComparer.Ordinal))
            ? ResultMix.Of(state.Progress.ByResult.ToDictionary(p => p.Key, p => (double)p.Value, StringComparer.Ordinal), $"this campaign's {finished} results so far")
            : ResultMix.Default;
        var now = Workflow.UtcNow;
        var at = waitingToStart && Instants.Parse(spec.StartAt) is { } startAt && startAt > now ? startAt : now;
        var forecast = CampaignForecaster.Forecast(new ForecastInput
        {
            // The pace now: a setRate replaced the JSON's cap.
            Spec = spec with { Rate = spec.Rate with { MaxCallsPerSecond = state.MaxCallsPerSecond }, Budgets = spec.Budgets is null ? null : spec.Budgets with { StartCall = state.MaxCallsPerSecond } },
            Targets = left,
            Mix = mix,
            // The fleet's share of the start limit (limit × headroom) as the registering worker reported it.
            Settings = new ForecastSettings { StartCallsPerSecond = Math.Max(1, state.FleetStartRate ?? 180), Headroom = 1 },
            At = at,
        });
        var notes = new List<string>
        {
            $"what is left at {now:u}: {left} of {state.Targets} targets or attempts not dispatched yet; {state.Progress.Dispatched - state.Progress.Finished} dispatched and not finished are not counted",
            "other campaigns sharing the vendor's limit are not counted (campaigns forecast asks the store for them); the worker's watch settings are taken as defaults",
        };
        if (state.Paused)
        {
            notes.Add("the campaign is paused: the forecast runs from now as if it were resumed");
        }

        return forecast with { Notes = [.. notes, .. forecast.Notes] };
    }
}
