using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Campaigns.Cli.Output;

/// <summary>Draws a campaign's progress: one line for logs and scripts, a table for people.</summary>
internal static class ProgressView
{
    public static string Line(CampaignSnapshot s)
    {
        var text = $"campaign {s.CampaignId}: {s.Status}";
        if (s.Progress is { } p)
        {
            var results = string.Join(", ", p.ByResult.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}"));
            text += string.Create(CultureInfo.InvariantCulture, $", {p.Finished} of {p.Targets} targets finished, {p.Dispatched} dispatched, {p.Attempts} attempts");
            text += results.Length > 0 ? $" ({results})" : string.Empty;
            text += p.Unresolved > 0 ? $", {p.Unresolved} unresolved" : string.Empty;
            text += p.Deferred > 0 ? $", {p.Deferred} deferred by contact caps" : string.Empty;
        }

        text += s.Failure is not null ? $": {s.Failure}" : string.Empty;
        text += s.Note is not null ? $" [{s.Note}]" : string.Empty;
        return text;
    }

    public static IRenderable Render(CampaignSnapshot s)
    {
        var color = s.IsFailure ? "red" : s.Status switch { "Completed" => "green", "Paused" or "Cancelled" => "yellow", "Scheduled" => "grey", _ => "blue" };
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]Campaign {Markup.Escape(s.CampaignId)}[/]  [{color}]{Markup.Escape(s.Status)}[/]  " +
                $"[grey]{Markup.Escape(s.WorkflowId)}{(s.TaskQueue is null ? string.Empty : " on " + Markup.Escape(s.TaskQueue))}[/]"),
        };
        if (s.Progress is { } p)
        {
            var share = p.Targets == 0 ? 0 : (double)p.Finished / p.Targets;
            var runs = p.Runs > 1 ? $", run {p.Runs}" : string.Empty;
            rows.Add(new Markup(string.Create(
                CultureInfo.InvariantCulture,
                $"{Bar(share, 40)} {share:P0}  {p.Finished} of {p.Targets} targets finished, {p.Dispatched} dispatched, {p.Attempts} attempts{runs}")));
            var table = new Table().Border(TableBorder.Rounded).AddColumn("result").AddColumn(new TableColumn("attempts").RightAligned()).AddColumn(string.Empty);
            var most = p.ByResult.Count == 0 ? 1 : Math.Max(1, p.ByResult.Values.Max());
            foreach (var (result, count) in p.ByResult.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(result), count.ToString(CultureInfo.InvariantCulture), Bar((double)count / most, 30));
            }

            if (p.ByResult.Count > 0)
            {
                rows.Add(table);
            }

            if (p.Unresolved > 0)
            {
                rows.Add(new Markup($"[yellow]{p.Unresolved} unresolved[/] (start answer lost, call not found): never redialed automatically"));
            }

            if (p.Deferred > 0)
            {
                rows.Add(new Markup($"[blue]{p.Deferred} deferred[/] by contact caps: dialed when the cap allows (Capped if the campaign ends first)"));
            }
        }

        if (s.Failure is not null)
        {
            rows.Add(new Markup("[red]failed:[/] " + Markup.Escape(s.Failure)));
        }

        if (s.Note is not null)
        {
            rows.Add(new Markup("[grey]" + Markup.Escape(s.Note) + "[/]"));
        }

        return new Rows(rows);
    }

    private static string Bar(double share, int width)
    {
        var filled = (int)Math.Round(Math.Clamp(share, 0, 1) * width);
        return "[green]" + new string('█', filled) + "[/][grey]" + new string('░', width - filled) + "[/]";
    }
}
