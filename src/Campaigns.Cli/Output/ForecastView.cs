using System.Globalization;
using Campaigns.Workflows.Forecast;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Campaigns.Cli.Output;

/// <summary>Draws a forecast for people: the figures in a table, then the results, the days and the notes.</summary>
internal static class ForecastView
{
    public static IRenderable Render(CampaignForecast f)
    {
        var rows = new List<IRenderable>
        {
            new Markup(Markup.Escape(Text(
                $"forecast for campaign {f.CampaignId}: {f.Targets:N0} targets{(f.Skipped > 0 ? Text($" ({f.Skipped:N0} on the do-not-call list)") : string.Empty)}, starting {f.At:yyyy-MM-dd HH:mm:ss zzz}"))),
            new Markup(Markup.Escape($"result mix: {string.Join(", ", f.Mix.Select(m => Text($"{m.Key} {m.Value * 100:0.##} %")))} ({f.MixSource})")),
        };
        var table = new Table().Border(TableBorder.Rounded).AddColumn(string.Empty).AddColumn(new TableColumn("forecast").RightAligned()).AddColumn(string.Empty);
        void Row(string what, string value, string detail = "") => table.AddRow(Markup.Escape(what), Markup.Escape(value), Markup.Escape(detail));
        Row("start rate", Text($"{f.StartsPerSecond:0.#} calls/s"), f.RateLimitedBy);
        foreach (var other in f.SharedWith)
        {
            Row("  shared with", other.CampaignId, Text($"{other.RemainingStarts:N0} starts left, weight {other.Weight}, {other.StartsPerSecond:0.#} calls/s"));
        }

        Row("calls per hour", Text($"{f.CallsPerHour:N0}"), "at that rate");
        Row("calls per day", Text($"{f.CallsPerDay:N0}"), f.CallsPerDay < (f.CallsPerHour * 24) - 1 ? "over the calling window's hours" : "round the clock");
        Row("attempts", Text($"{f.Attempts:N0}"), f.Redials < 0.5 ? "no redials" : Text($"{f.AttemptsByNumber[0]:N0} first calls + {f.Redials:N0} redials ({string.Join(", ", f.AttemptsByNumber.Skip(1).Select(a => Text($"{a:N0}")))})"));
        Row("waiting for the calling window", Duration(f.WindowWaitSeconds));
        if (f.CapWaitSeconds > 0 || f.CappedAtStart > 0)
        {
            Row("waiting for contact caps", Duration(f.CapWaitSeconds), f.CappedAtStart > 0 ? Text($"{f.CappedAtStart:N0} targets held back at the start") : string.Empty);
        }

        Row("first call", "+" + Duration(f.FirstCallSeconds));
        Row("every target dialed once", "+" + Duration(f.FirstPassSeconds));
        Row("last call", "+" + Duration(f.LastCallSeconds), f.Redials < 0.5 ? string.Empty : "redials included");
        Row("95 % of targets finished", "+" + Duration(f.Outcomes95Seconds));
        Row("campaign completes", "+" + Duration(f.DurationSeconds), "every outcome stored");
        Row("expected end", f.EndsAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
        rows.Add(table);
        rows.Add(new Markup(Markup.Escape("expected results: " + string.Join(", ", f.Results.OrderByDescending(r => r.Value).Select(r => Text($"{r.Key} {r.Value:N0}"))))));
        if (f.Days.Count > 1)
        {
            rows.Add(new Markup(Markup.Escape("calls per day: " + string.Join(", ", f.Days.Select(d => Text($"{d.Date:yyyy-MM-dd} {d.Calls:N0}"))))));
        }

        foreach (var note in f.Notes)
        {
            rows.Add(new Markup(Markup.Escape("note: " + note)));
        }

        return new Rows(rows);
    }

    /// <summary>Seconds for people: <c>47 s</c>, <c>13 min 2 s</c>, <c>23 h 12 min</c>, <c>2 d 3 h</c>.</summary>
    public static string Duration(double seconds)
    {
        var s = Math.Max(0, seconds);
        return s switch
        {
            < 60 => Text($"{s:0.#} s"),
            < 3600 => Text($"{Math.Floor(s / 60):0} min {Math.Floor(s % 60):0} s"),
            < 86_400 => Text($"{Math.Floor(s / 3600):0} h {Math.Floor((s % 3600) / 60):0} min"),
            _ => Text($"{Math.Floor(s / 86_400):0} d {Math.Floor((s % 86_400) / 3600):0} h"),
        };
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
