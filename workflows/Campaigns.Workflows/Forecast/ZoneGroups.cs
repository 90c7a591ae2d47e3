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
                var key = string.IsNullOrEmpty(zone) ? window?.ZoneId ?? "" : zone;
                byZone[key] = byZone.GetValueOrDefault(key) + (dialable * count / total);
            }
        }
        else
        {
            byZone[window?.ZoneId ?? ""] = dialable;
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
