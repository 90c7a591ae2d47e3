using System.Globalization;
using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;

namespace Campaigns.Workflows.Forecast;

/// <summary>
/// Forecasts a campaign before it dials: the start rate it gets (its cap, the fleet's budget, the campaigns already
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
        var limitedBy = LimitedBy(rate, cap, spec, fleet, workerShare, settings, slotRate, all.MeanHold, sharing);

        // Outcomes that end a target: an attempt before the last whose result is not redialed, or a last attempt.
        var redialed = rules.Count > 0 ? ResultMix.Redials(spec.Redial).Select(r => r.Result!).ToHashSet(StringComparer.Ordinal) : [];
        var finalMix = mix.Shares.Where(s => !redialed.Contains(s.Key)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        var polls = new PollBacklog(
            l => CallLatency.Of(mix.Shares, settings, ringTimeout, l, lag),
            l => CallLatency.Of(finalMix.Count > 0 ? finalMix : mix.Shares, settings, ringTimeout, l, lag),
            pollFleet);
        var timeline = new DispatchTimeline(settings, window, input.At, paceRate, maxAttempts);
        timeline.Run(dialable, budget, polls, rules);
        var batches = timeline.Batches;

        var duration = batches.Count == 0 ? settings.StartupSeconds : ExpectedLast(batches, b => b.End) + settings.EndSeconds;
        var attempts = timeline.AttemptsByNumber.Sum();
        var notes = Notes(input, settings, polls.MaxLag, pollsPerStart, timeline, budget, spec);
        return new CampaignForecast
        {
            CampaignId = spec.CampaignId ?? "",
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
            CallsPerDay = R(rate * OpenSecondsPerDay(window, input.At)),
            Attempts = R(attempts),
            Redials = R(attempts - timeline.AttemptsByNumber[0]),
            AttemptsByNumber = [.. timeline.AttemptsByNumber.Select(R)],
            Results = FinalResults(mix, spec.Redial, dialable, input.Skipped).ToDictionary(r => r.Key, r => R(r.Value), StringComparer.Ordinal),
            WindowWaitSeconds = R(timeline.WindowWait),
            FirstCallSeconds = R(batches.Count == 0 ? 0 : batches[0].Start),
            FirstPassSeconds = R(timeline.FirstPassDone ?? 0),
            LastCallSeconds = R(batches.Count == 0 ? 0 : ExpectedLast(batches, b => b.Done)),
            Outcomes95Seconds = R(Quantile95(batches, input.Targets, input.Skipped, duration)),
            DurationSeconds = R(duration),
            EndsAt = input.At + TimeSpan.FromSeconds(Math.Round(duration)),
            PollLagSeconds = R(polls.MaxLag),
            Days = [.. CallsByDay(batches, spec.CallingWindow?.TimeZone, input.At).Select(d => d with { Calls = R(d.Calls) })],
            Notes = notes,
        };
    }

    // Figures are expectations: a tenth is precision enough, and keeps the JSON readable.
    private static double R(double value) => Math.Round(value, 1);

    // E[max] of a time over batches, each present with its own chance (the first pass surely, redials maybe).
    private static double ExpectedLast(List<BatchRun> batches, Func<BatchRun, double> time)
    {
        var expected = 0.0;
        var noneLater = 1.0;
        foreach (var batch in batches.OrderByDescending(time))
        {
            expected += time(batch) * batch.NonEmpty * noneLater;
            noneLater *= 1 - batch.NonEmpty;
        }

        return expected;
    }

    // When 95 % of the targets have their final outcome: each batch's final outcomes come at its starts plus the latency.
    private static double Quantile95(List<BatchRun> batches, long targets, long skipped, double duration)
    {
        var goal = 0.95 * targets;
        if (targets == 0 || skipped >= goal || batches.Count == 0)
        {
            return batches.Count == 0 ? 0 : batches[0].Start;
        }

        // Batches are in dispatch order (starts and ends rising): those long done count whole, those not begun not at all,
        // and only the few in between are summed point by point.
        var longest = batches.Max(b => Math.Max(b.All.Max, b.Final.Max));
        var whole = new double[batches.Count + 1];
        for (var i = 0; i < batches.Count; i++)
        {
            whole[i + 1] = whole[i] + batches[i].FinalEarly + batches[i].FinalLast;
        }

        double Finished(double at)
        {
            var from = FirstIndex(batches, b => b.Done + longest > at);
            var sum = skipped + whole[from];
            for (var i = from; i < batches.Count && batches[i].Start < at; i++)
            {
                var b = batches[i];
                for (var k = 0; k < 4; k++)
                {
                    var s = b.Start + ((k + 0.5) * (b.Done - b.Start) / 4);
                    sum += ((b.FinalEarly * b.Final.Cdf(at - s)) + (b.FinalLast * b.All.Cdf(at - s))) / 4;
                }
            }

            return sum;
        }

        double low = 0, high = Math.Max(duration, batches.Max(b => b.Done + Math.Max(b.All.Max, b.Final.Max))) + 1;
        if (Finished(high) < goal)
        {
            return duration; // fewer than 95 % ever end (a window that never opens again)
        }

        for (var i = 0; i < 60; i++)
        {
            var mid = (low + high) / 2;
            (low, high) = Finished(mid) >= goal ? (low, mid) : (mid, high);
        }

        return high;
    }

    // The first batch for which `after` holds (it holds for every later one too), or the count.
    private static int FirstIndex(List<BatchRun> batches, Func<BatchRun, bool> after)
    {
        int low = 0, high = batches.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            (low, high) = after(batches[mid]) ? (low, mid) : (mid + 1, high);
        }

        return low;
    }

    // Final results per target: a result not redialed ends its target on any attempt; a redialed one only on the last.
    private static Dictionary<string, double> FinalResults(ResultMix mix, RedialSpec redial, double dialable, long skipped)
    {
        var redialed = ResultMix.Redials(redial).Select(r => r.Result!).ToHashSet(StringComparer.Ordinal);
        var held = redial.MaxAttempts > 1 ? redial.Rules.Select(r => r.Result).Where(r => r is Results.RecordMissing or Results.Unresolved).ToHashSet(StringComparer.Ordinal) : [];
        var q = mix.RedialShare(redial);
        var attempts = mix.AttemptsPerTarget(redial);
        var lastReach = Math.Pow(q, Math.Max(1, redial.MaxAttempts) - 1);
        var results = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (result, share) in mix.Shares)
        {
            if (redialed.Contains(result))
            {
                results[result] = dialable * share * lastReach;
                continue;
            }

            // A rule on RecordMissing / Unresolved: the redial is held back (RedialHeld) except on the last attempt.
            var name = held.Contains(result) ? Results.RedialHeld : result;
            var count = dialable * share * (held.Contains(result) ? attempts - lastReach : attempts);
            results[name] = results.GetValueOrDefault(name) + count;
            if (held.Contains(result))
            {
                results[result] = results.GetValueOrDefault(result) + (dialable * share * lastReach);
            }
        }

        if (skipped > 0)
        {
            results[Results.Skipped] = skipped;
        }

        return results;
    }

    // The daily period's length on a calling day: the next whole one (from its opening, not from now).
    private static double OpenSecondsPerDay(CallingWindow? window, DateTimeOffset at)
    {
        if (window is null)
        {
            return 86_400;
        }

        var from = window.IsOpen(at) ? window.ClosesAfter(at) : at;
        return window.OpensAfter(from) is { } opens ? (window.ClosesAfter(opens) - opens).TotalSeconds : 0;
    }

    private static List<DayCalls> CallsByDay(List<BatchRun> batches, string? timeZone, DateTimeOffset at)
    {
        var zone = (timeZone is null ? null : NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone)) ?? NodaTime.DateTimeZone.Utc;
        var days = new SortedDictionary<DateOnly, double>();
        DateOnly DayOf(double seconds)
        {
            var date = NodaTime.Instant.FromDateTimeOffset(at + TimeSpan.FromSeconds(seconds)).InZone(zone).Date;
            return new DateOnly(date.Year, date.Month, date.Day);
        }

        foreach (var b in batches)
        {
            // A batch lasts seconds (a few minutes at most): split at midnight only when it crosses one.
            var (from, to) = (DayOf(b.Start), DayOf(b.Done));
            if (from == to || b.Done <= b.Start)
            {
                days[from] = days.GetValueOrDefault(from) + b.Started;
                continue;
            }

            var midnight = zone.AtStartOfDay(new NodaTime.LocalDate(to.Year, to.Month, to.Day)).ToDateTimeOffset();
            var split = Math.Clamp(((midnight - at).TotalSeconds - b.Start) / (b.Done - b.Start), 0, 1);
            days[from] = days.GetValueOrDefault(from) + (b.Started * split);
            days[to] = days.GetValueOrDefault(to) + (b.Started * (1 - split));
        }

        return [.. days.Select(d => new DayCalls(d.Key, d.Value))];
    }

    private static string LimitedBy(
        double rate, double? cap, CampaignSpec spec, double fleet, double workerShare, ForecastSettings settings, double slotRate, double hold, List<SharedWith> sharing)
    {
        var bound = Math.Min(Math.Min(cap ?? double.PositiveInfinity, fleet), slotRate);
        if (sharing.Count > 0 && rate < bound - 1e-6)
        {
            var weights = spec.Rate.Weight + sharing.Sum(s => s.Weight);
            return Text($"sharing the fleet's {fleet:0.#}/s with {sharing.Count} running campaign{(sharing.Count == 1 ? "" : "s")} (weight {spec.Rate.Weight} of {weights})");
        }

        if (slotRate <= Math.Min(cap ?? double.PositiveInfinity, fleet))
        {
            return Text($"rate.maxCallsInFlight: {spec.Rate.MaxCallsInFlight ?? RateSpec.DefaultMaxCallsInFlight} live calls per worker ÷ {hold:0.#} s a call holds its slot");
        }

        if (cap is { } c && c <= fleet)
        {
            return spec.Rate.MaxCallsPerSecond is not null ? Text($"the campaign's cap rate.maxCallsPerSecond {c:0.#}/s") : Text($"the campaign's cap budgets.startCall {c:0.#}/s");
        }

        return Text($"the fleet's start budget: {settings.StartCallsPerSecond:0.#}/s × headroom {settings.Headroom:0.##} = {fleet:0.#}/s ({settings.Workers} worker{(settings.Workers == 1 ? "" : "s")} × {workerShare:0.#}/s)");
    }

    private static List<string> Notes(
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
