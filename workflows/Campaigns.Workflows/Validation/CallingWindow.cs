using System.Globalization;
using Campaigns.Workflows.Contract;
using NodaTime;
using NodaTime.Text;

namespace Campaigns.Workflows.Validation;

/// <summary>
/// A validated calling window: whether an instant is inside it, and when it next opens or closes.
/// NodaTime's compiled-in TZDB gives every worker the same answer, so the workflow may use it.
/// </summary>
public sealed class CallingWindow : ICallingWindow
{
    private static readonly string[] DayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    private readonly DateTimeZone zone;
    private readonly HashSet<IsoDayOfWeek> days;
    private readonly LocalTime start;
    private readonly LocalTime end;
    private readonly HashSet<LocalDate> excluded;

    private CallingWindow(DateTimeZone zone, HashSet<IsoDayOfWeek> days, LocalTime start, LocalTime end, HashSet<LocalDate> excluded)
    {
        this.zone = zone;
        this.days = days;
        this.start = start;
        this.end = end;
        this.excluded = excluded;
    }

    /// <summary>Parses a window, adding every problem (by JSON path) to <paramref name="problems"/>; null when invalid.</summary>
    public static CallingWindow? Parse(CallingWindowSpec spec, ICollection<string> problems, string path = "$.callingWindow")
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(problems);
        var before = problems.Count;
        var zone = spec.TimeZone is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(spec.TimeZone);
        if (zone is null)
        {
            problems.Add($"{path}.timeZone: \"{spec.TimeZone}\" is not an IANA time zone (e.g. \"Asia/Shanghai\", \"Europe/Berlin\")");
        }

        var days = new HashSet<IsoDayOfWeek>();
        for (var i = 0; i < spec.Days.Count; i++)
        {
            var index = Array.FindIndex(DayNames, d => string.Equals(d, spec.Days[i], StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                problems.Add($"{path}.days[{i}]: \"{spec.Days[i]}\" is not one of {string.Join(", ", DayNames)}");
            }
            else if (!days.Add((IsoDayOfWeek)(index + 1)))
            {
                problems.Add($"{path}.days[{i}]: \"{spec.Days[i]}\" given twice");
            }
        }

        if (spec.Days.Count == 0)
        {
            problems.Add($"{path}.days: at least one day");
        }

        var startTime = Time(spec.Start, $"{path}.start", problems);
        var endTime = Time(spec.End, $"{path}.end", problems);
        if (startTime is { } s && endTime is { } e && e <= s)
        {
            problems.Add($"{path}.end: {spec.End} must be after start {spec.Start} (a window does not cross midnight)");
        }

        var excluded = new HashSet<LocalDate>();
        for (var i = 0; i < spec.ExcludedDates.Count; i++)
        {
            var parsed = LocalDatePattern.Iso.Parse(spec.ExcludedDates[i] ?? string.Empty);
            if (parsed.Success)
            {
                excluded.Add(parsed.Value);
            }
            else
            {
                problems.Add($"{path}.excludedDates[{i}]: \"{spec.ExcludedDates[i]}\" is not a date (yyyy-MM-dd)");
            }
        }

        return problems.Count > before ? null : new CallingWindow(zone!, days, startTime!.Value, endTime!.Value, excluded);
    }

    /// <summary>The IANA id of the window's zone.</summary>
    public string ZoneId => zone.Id;

    /// <summary>
    /// This window's days and hours in another zone (a callee's), closed on <paramref name="closedDates"/> too (the
    /// app's holidays in that zone). <paramref name="zoneId"/> must be a zone TZDB knows (validated before).
    /// </summary>
    public CallingWindow In(string zoneId, IEnumerable<LocalDate> closedDates) =>
        new(DateTimeZoneProviders.Tzdb[zoneId], days, start, end, [.. excluded, .. closedDates]);

    /// <summary>Every hour of every day in <paramref name="zoneId"/> but <paramref name="closedDates"/>: a campaign with no window, under holidays.</summary>
    public static CallingWindow AllDay(string zoneId, IEnumerable<LocalDate> closedDates) =>
        new(DateTimeZoneProviders.Tzdb[zoneId], [.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)], LocalTime.Midnight, LocalTime.MaxValue, [.. closedDates]);

    // LocalTime.MaxValue as the end: open to midnight (the window's end is exclusive).
    private bool ToMidnight => end == LocalTime.MaxValue;

    /// <summary>Whether calls may be placed at <paramref name="instant"/>.</summary>
    public bool IsOpen(DateTimeOffset instant)
    {
        var local = Instant.FromDateTimeOffset(instant).InZone(zone).LocalDateTime;
        return OpenOn(local.Date) && local.TimeOfDay >= start && (local.TimeOfDay < end || ToMidnight);
    }

    /// <summary>When the window next closes after <paramref name="instant"/> (inside it).</summary>
    public DateTimeOffset ClosesAfter(DateTimeOffset instant)
    {
        var local = Instant.FromDateTimeOffset(instant).InZone(zone).LocalDateTime;
        return ToMidnight
            ? zone.AtStartOfDay(local.Date.PlusDays(1)).ToDateTimeOffset()
            : (local.Date + end).InZoneLeniently(zone).ToDateTimeOffset();
    }

    /// <summary>When the window next opens at or after <paramref name="instant"/> (within a year), or null.</summary>
    public DateTimeOffset? OpensAfter(DateTimeOffset instant)
    {
        if (IsOpen(instant))
        {
            return instant;
        }

        var local = Instant.FromDateTimeOffset(instant).InZone(zone).LocalDateTime;
        for (var date = local.Date; date <= local.Date.PlusDays(366); date = date.PlusDays(1))
        {
            var opening = (date + start).InZoneLeniently(zone).ToDateTimeOffset();
            if (OpenOn(date) && (date > local.Date || local.TimeOfDay < start))
            {
                return opening;
            }
        }

        return null;
    }

    private bool OpenOn(LocalDate date) => days.Contains(date.DayOfWeek) && !excluded.Contains(date);

    private static LocalTime? Time(string text, string path, ICollection<string> problems)
    {
        var parsed = LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text ?? string.Empty);
        if (!parsed.Success)
        {
            parsed = LocalTimePattern.CreateWithInvariantCulture("HH:mm:ss").Parse(text ?? string.Empty);
        }

        if (!parsed.Success)
        {
            problems.Add($"{path}: \"{text}\" is not a time of day (HH:mm or HH:mm:ss, e.g. \"09:00\")");
            return null;
        }

        return parsed.Value;
    }

    /// <summary>For messages: the window in words.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{string.Join(",", days.Order().Select(d => DayNames[(int)d - 1]))} {start:HH:mm:ss}-{end:HH:mm:ss} {zone.Id}");
}
