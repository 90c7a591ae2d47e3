using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;

namespace Campaigns.Workflows.Forecast;

/// <summary>The forecast's figures from the simulated batches: expected last times, the 95 % point, final results, days.</summary>
internal static class ForecastFigures
{
    // E[max] of a time over batches, each present with its own chance (the first pass surely, redials maybe).
    internal static double ExpectedLast(List<BatchRun> batches, Func<BatchRun, double> time)
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
    internal static double Quantile95(List<BatchRun> batches, long targets, long skipped, double duration)
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
    internal static int FirstIndex(List<BatchRun> batches, Func<BatchRun, bool> after)
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
    internal static Dictionary<string, double> FinalResults(ResultMix mix, RedialSpec redial, double dialable, long skipped)
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

    // The daily period's length on a calling day: the next whole one (from its opening, not from now), over the
    // union of the groups' windows (callees in several zones: open while any of their windows is).
    internal static double OpenSecondsPerDay(IReadOnlyList<ICallingWindow?> windows, DateTimeOffset at)
    {
        if (windows.Count == 0 || windows.Any(w => w is null))
        {
            return 86_400;
        }

        bool Open(DateTimeOffset i) => windows.Any(w => w!.IsOpen(i));
        DateTimeOffset Closes(DateTimeOffset i) => windows.Where(w => w!.IsOpen(i)).Max(w => w!.ClosesAfter(i));
        DateTimeOffset? Opens(DateTimeOffset i) => windows.Select(w => w!.OpensAfter(i)).Where(o => o is not null).Min();

        var from = at;
        for (var guard = 0; guard < 100 && Open(from); guard++)
        {
            from = Closes(from); // to the end of the period open now
        }

        if (Opens(from) is not { } first)
        {
            return 0;
        }

        var end = first + TimeSpan.FromDays(1);
        var total = 0.0;
        var t = first;
        for (var guard = 0; guard < 1000 && t < end; guard++)
        {
            if (Open(t))
            {
                var closes = Closes(t);
                total += ((closes < end ? closes : end) - t).TotalSeconds;
                t = closes;
            }
            else if (Opens(t) is { } opens && opens < end)
            {
                t = opens;
            }
            else
            {
                break;
            }
        }

        return total;
    }

    internal static List<DayCalls> CallsByDay(List<BatchRun> batches, string? timeZone, DateTimeOffset at)
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
}
