using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;

namespace Campaigns.Workflows.Forecast;

/// <summary>
/// Forecasts a campaign before it dials: the start rate it gets (its cap, the fleet's share, the campaigns already
/// running, its live-call slots), its attempts with redials, the waits for its calling window, and when its outcomes
/// come. Pure and deterministic: no I/O and no clock (the start instant is in the input), so the CLI and, later, a
/// workflow query can both call it. What it models is in the README's "Forecast" section.
/// </summary>
public static class CampaignForecaster
{
    /// <summary>Makes the forecast.</summary>
    public static CampaignForecast Forecast(ForecastInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var spec = input.Spec;
        var settings = input.Settings;
        var problems = new List<string>(settings.Problems());
        var window = spec.CallingWindow is { } w ? CallingWindow.Parse(w, problems) : null;
        if (problems.Count > 0)
        {
            throw new ArgumentException("cannot forecast: " + string.Join("; ", problems), nameof(input));
        }

        var mix = input.Mix;
        var ringTimeout = spec.RingTimeoutMs / 1000.0;
        var maxAttempts = Math.Max(1, spec.Redial.MaxAttempts);
        var rules = ResultMix.Redials(spec.Redial).Select(r => (Share: mix[r.Result!], Delay: (double)r.DelaySeconds)).Where(r => r.Share > 0).ToList();
        var dialable = Math.Max(0, input.Targets - input.Skipped);

        // The budget: each worker takes floor(limit × headroom ÷ workers); the campaign's cap is the workflow's pace.
        var workerShare = Math.Floor(settings.StartCallsPerSecond * settings.Headroom / settings.Workers);
        var fleet = workerShare * settings.Workers;
        double? cap = spec.Rate.MaxCallsPerSecond ?? spec.Budgets?.StartCall;
        var paceRate = cap ?? settings.StartCallsPerSecond * settings.Headroom;
        var ownCap = Math.Min(cap ?? double.PositiveInfinity, fleet);
        var budget = new SharedBudget(input.At, fleet, spec.Rate.Weight, ownCap, input.Running);

        // Polls: at the full rate get_call_info's budget is about one poll per start, and every poll comes later. Live-call
        // slots: a call holds one (per worker) from its start until the watcher sees it ended, so few slots lower the
        // rate, which leaves more polls per start and shortens the hold: a few rounds find where the two agree.
        var pollFleet = Math.Floor(settings.CallInfoPerSecond * settings.Headroom / settings.Workers) * settings.Workers;
        var slots = (double)(spec.Rate.MaxCallsInFlight ?? RateSpec.DefaultMaxCallsInFlight) * settings.Workers;
        double pollsPerStart = 0, lag = 0, slotRate = double.PositiveInfinity;
        var all = CallLatency.Of(mix.Shares, settings, ringTimeout, 0);
        for (var round = 0; round < 20; round++)
        {
            pollsPerStart = pollFleet / Math.Max(budget.TotalRate, 1e-9);
            if (spec.Budgets?.GetCallInfo is { } pollCap)
            {
                pollsPerStart = Math.Min(pollsPerStart, pollCap / Math.Max(budget.OurRate, 1e-9));
            }

            lag = CallLatency.PollLag(mix.Shares, settings, ringTimeout, pollsPerStart);
            all = CallLatency.Of(mix.Shares, settings, ringTimeout, lag);
            var next = all.MeanHold > 0 ? slots / all.MeanHold : double.PositiveInfinity;
            var settled = Math.Abs(next - slotRate) < 1e-3 || (next >= ownCap && slotRate >= ownCap);
            slotRate = next;
            budget = new SharedBudget(input.At, fleet, spec.Rate.Weight, Math.Min(ownCap, slotRate), input.Running);
            if (settled)
            {
                break;
            }
        }

        var rate = budget.OurRate;
        var sharing = budget.Sharing().Select(s => new SharedWith(s.Campaign.CampaignId, Math.Round(s.Left), s.Campaign.Weight, s.Rate)).ToList();
        var limitedBy = ForecastTexts.LimitedBy(rate, cap, spec, fleet, workerShare, settings, slotRate, all.MeanHold, sharing);

        // Outcomes that end a target: an attempt before the last whose result is not redialed, or a last attempt.
        var redialed = rules.Count > 0 ? ResultMix.Redials(spec.Redial).Select(r => r.Result!).ToHashSet(StringComparer.Ordinal) : [];
        var finalMix = mix.Shares.Where(s => !redialed.Contains(s.Key)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        var polls = new PollBacklog(
            l => CallLatency.Of(mix.Shares, settings, ringTimeout, l, lag),
            l => CallLatency.Of(finalMix.Count > 0 ? finalMix : mix.Shares, settings, ringTimeout, l, lag),
            pollFleet);
        // One group per zone the window applies in (callees' own zones, holidays): each waits for its own window.
        var groups = ZoneGroups.Of(window, input, dialable);
        var capped = ZoneGroups.Capped(window, input, dialable, groups);
        var timeline = new DispatchTimeline(settings, groups.Windows, input.At, paceRate, maxAttempts, input.ContactCaps);
        timeline.Run(groups.Targets, budget, polls, rules, capped);
        var batches = timeline.Batches;

        var duration = batches.Count == 0 ? settings.StartupSeconds : ForecastFigures.ExpectedLast(batches, b => b.End) + settings.EndSeconds;
        var attempts = timeline.AttemptsByNumber.Sum();
        var notes = ForecastTexts.Notes(input, settings, polls.MaxLag, pollsPerStart, timeline, budget, spec);
        return new CampaignForecast
        {
            CampaignId = spec.CampaignId ?? string.Empty,
            At = input.At,
            Targets = input.Targets,
            Skipped = input.Skipped,
            Mix = mix.Shares.ToDictionary(m => m.Key, m => Math.Round(m.Value, 5), StringComparer.Ordinal),
            MixSource = mix.Source,
            StartsPerSecond = R(rate),
            RateLimitedBy = limitedBy,
            FleetStartsPerSecond = fleet,
            WorkerStartsPerSecond = workerShare,
            Workers = settings.Workers,
            SharedWith = [.. sharing.Select(s => s with { StartsPerSecond = R(s.StartsPerSecond) })],
            CallsPerHour = R(rate * 3600),
            CallsPerDay = R(rate * ForecastFigures.OpenSecondsPerDay(groups.Windows, input.At)),
            Attempts = R(attempts),
            Redials = R(attempts - timeline.AttemptsByNumber[0]),
            AttemptsByNumber = [.. timeline.AttemptsByNumber.Select(R)],
            Results = ForecastFigures.FinalResults(mix, spec.Redial, dialable, input.Skipped).ToDictionary(r => r.Key, r => R(r.Value), StringComparer.Ordinal),
            WindowWaitSeconds = R(timeline.WindowWait),
            CapWaitSeconds = R(timeline.CapWait),
            CappedAtStart = R(capped.Sum(c => c.Count)),
            FirstCallSeconds = R(batches.Count == 0 ? 0 : batches[0].Start),
            FirstPassSeconds = R(timeline.FirstPassDone ?? 0),
            LastCallSeconds = R(batches.Count == 0 ? 0 : ForecastFigures.ExpectedLast(batches, b => b.Done)),
            Outcomes95Seconds = R(ForecastFigures.Quantile95(batches, input.Targets, input.Skipped, duration)),
            DurationSeconds = R(duration),
            EndsAt = input.At + TimeSpan.FromSeconds(Math.Round(duration)),
            PollLagSeconds = R(polls.MaxLag),
            Days = [.. ForecastFigures.CallsByDay(batches, spec.CallingWindow?.TimeZone, input.At).Select(d => d with { Calls = R(d.Calls) })],
            Notes = notes,
        };
    }

    // Figures are expectations: a tenth is precision enough, and keeps the JSON readable.
    private static double R(double value) => Math.Round(value, 1);
}
