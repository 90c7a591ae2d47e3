using Campaigns.Workflows.Validation;
using NodaTime;

namespace Campaigns.Workflows.Forecast;

/// <summary>
/// The campaign's targets split by the zone their calling window applies in (docs/callee-time-zones.md): a callee with
/// a zone is called while the window is open in that zone, one without in the window's own zone, and the app's
/// holidays close their whole local date in their zone. One group when nobody has a zone of their own.
/// </summary>
internal static class ZoneGroups
{
    /// <summary>The groups' windows (null: always open) and their share of <paramref name="dialable"/> targets, by zone id.</summary>
    public static (List<ICallingWindow?> Windows, List<double> Targets, List<string?> Zones) Of(CallingWindow? window, ForecastInput input, double dialable)
    {
        ArgumentNullException.ThrowIfNull(input);
        var byZone = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var total = input.TargetsByZone?.Values.Sum() ?? 0;
        if (total > 0)
        {
            foreach (var (zone, count) in input.TargetsByZone!)
            {
                // "" is a callee without a zone: the window's own (none without a window).
                var key = string.IsNullOrEmpty(zone) ? window?.ZoneId ?? string.Empty : zone;
                byZone[key] = byZone.GetValueOrDefault(key) + (dialable * count / total);
            }
        }
        else
        {
            byZone[window?.ZoneId ?? string.Empty] = dialable;
        }

        var windows = new List<ICallingWindow?>();
        var targets = new List<double>();
        var zones = new List<string?>();
        foreach (var (zone, count) in byZone)
        {
            var id = zone.Length == 0 ? null : zone;
            windows.Add(WindowIn(window, id, input.Holidays));
            targets.Add(count);
            zones.Add(id);
        }

        return (windows, targets, zones);
    }

    /// <summary>
    /// The targets the contact caps hold back at the start, as first attempts due when they free (seconds from the
    /// start), each in its zone's group; taken out of that group's first pass (scaled like the groups, to dialable targets).
    /// </summary>
    public static List<(int Group, double Due, double Count)> Capped(
        CallingWindow? window, ForecastInput input, double dialable, (List<ICallingWindow?> Windows, List<double> Targets, List<string?> Zones) groups)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scale = input.Targets > 0 ? dialable / input.Targets : 0;
        var result = new List<(int Group, double Due, double Count)>();
        foreach (var (freeAt, zone, count) in input.CappedTargets)
        {
            var key = string.IsNullOrEmpty(zone) ? window?.ZoneId : zone;
            var g = groups.Zones.IndexOf(key);
            g = g >= 0 ? g : 0; // a zone the counts did not name: the first group
            var n = Math.Min(count * scale, groups.Targets[g]);
            if (n <= 0)
            {
                continue;
            }

            groups.Targets[g] -= n;
            result.Add((g, Math.Max(0, (freeAt - input.At).TotalSeconds), n));
        }

        return result;
    }

    // The window in `zone`, closed on the zone's holidays; a campaign without a window is open all day but on them.
    private static CallingWindow? WindowIn(CallingWindow? window, string? zone, IReadOnlyList<(DateOnly Date, string TimeZone)> holidays)
    {
        var closed = holidays.Where(h => zone is not null && string.Equals(h.TimeZone, zone, StringComparison.Ordinal))
            .Select(h => new LocalDate(h.Date.Year, h.Date.Month, h.Date.Day))
            .ToList();
        if (zone is null)
        {
            return window;
        }

        if (window is null)
        {
            return closed.Count == 0 ? null : CallingWindow.AllDay(zone, closed);
        }

        return zone == window.ZoneId && closed.Count == 0 ? window : window.In(zone, closed);
    }
}
