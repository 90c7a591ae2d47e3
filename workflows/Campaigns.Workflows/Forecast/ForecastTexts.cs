using System.Globalization;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Forecast;

/// <summary>The forecast in words: what sets the rate, and the notes worth reading.</summary>
internal static class ForecastTexts
{
    internal static string LimitedBy(
        double rate, double? cap, CampaignSpec spec, double fleet, double workerShare, ForecastSettings settings, double slotRate, double hold, List<SharedWith> sharing)
    {
        var bound = Math.Min(Math.Min(cap ?? double.PositiveInfinity, fleet), slotRate);
        if (sharing.Count > 0 && rate < bound - 1e-6)
        {
            var weights = spec.Rate.Weight + sharing.Sum(s => s.Weight);
            return Text($"sharing the fleet's {fleet:0.#}/s with {sharing.Count} running campaign{(sharing.Count == 1 ? string.Empty : "s")} (weight {spec.Rate.Weight} of {weights})");
        }

        if (slotRate <= Math.Min(cap ?? double.PositiveInfinity, fleet))
        {
            return Text($"rate.maxCallsInFlight: {spec.Rate.MaxCallsInFlight ?? RateSpec.DefaultMaxCallsInFlight} live calls per worker ÷ {hold:0.#} s a call holds its slot");
        }

        if (cap is { } c && c <= fleet)
        {
            return spec.Rate.MaxCallsPerSecond is not null ? Text($"the campaign's cap rate.maxCallsPerSecond {c:0.#}/s") : Text($"the campaign's cap budgets.startCall {c:0.#}/s");
        }

        return Text($"the fleet's share of the start limit: {settings.StartCallsPerSecond:0.#}/s × headroom {settings.Headroom:0.##} = {fleet:0.#}/s ({settings.Workers} worker{(settings.Workers == 1 ? string.Empty : "s")} × {workerShare:0.#}/s)");
    }

    internal static List<string> Notes(
        ForecastInput input, ForecastSettings settings, double lag, double pollsPerStart, DispatchTimeline timeline, SharedBudget budget, CampaignSpec spec)
    {
        var notes = new List<string>();
        if (settings.TimeScale != 1)
        {
            notes.Add(Text($"time scale {settings.TimeScale:0.##}: call lengths and the worker's waits are divided by it; rates, redial delays and calling windows are real time"));
        }

        if (lag >= 1)
        {
            notes.Add(Text($"get_call_info's budget allows {pollsPerStart:0.##} poll(s) per start at this rate: the watcher's polls come up to {lag:0} s late, so outcomes lag their calls' ends"));
        }

        if (pollsPerStart < 0.999)
        {
            notes.Add("fewer get_call_info polls than starts per second: the watcher cannot keep up, outcomes will lag more and more");
        }

        if (spec.Redial.MaxAttempts > 1 && spec.Redial.Rules.Any(r => r.Result is Results.RecordMissing or Results.Unresolved))
        {
            notes.Add("a redial rule on RecordMissing or Unresolved places no call: the worker holds such redials back (RedialHeld)");
        }

        if (timeline.Batches.Count > 0 && spec.Redial.MaxAttempts > 1)
        {
            notes.Add("redials are handed back when their batch ends, after its slowest outcome (a record that never comes is waited for), then wait their delay");
        }

        if (timeline.NeverOpens)
        {
            notes.Add("the calling window does not open again within a year: the rest is never dialed");
        }

        if (timeline.CutAtHorizon)
        {
            notes.Add("the forecast stops at 400 days");
        }

        if (input.Running.Count > 0)
        {
            notes.Add(budget.OthersDoneAt is { } done
                ? Text($"{input.Running.Count} running campaign(s) counted; they place their last starts at about +{done:0} s")
                : Text($"{input.Running.Count} running campaign(s) counted"));
        }

        return notes;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
