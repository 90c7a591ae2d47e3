using System.Globalization;
using Campaigns.Storage;
using Campaigns.Storage.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Campaigns.Demo;

/// <summary>What landed in the outcome store: counts per result and a few sample rows, read back from the store.</summary>
public sealed class OutcomeReport
{
    private OutcomeReport(IReadOnlyList<OutcomeExportRow> rows, IReadOnlyList<CallAttempt> skipped)
    {
        Rows = rows;
        Skipped = skipped;
    }

    /// <summary>Every outcome row: one per callee per attempt.</summary>
    public IReadOnlyList<OutcomeExportRow> Rows { get; }

    /// <summary>Attempts not dialed because a callee is on the do-not-call list (they have no outcome row).</summary>
    public IReadOnlyList<CallAttempt> Skipped { get; }

    /// <summary>Reads the campaign's outcomes.</summary>
    public static async Task<OutcomeReport> ReadAsync(IOutcomeStore store, string campaignId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        List<OutcomeExportRow> rows = [];
        await foreach (var row in store.ReadOutcomesAsync(campaignId, cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        var skipped = await store.GetAttemptsAsync(campaignId, AttemptState.Skipped, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new OutcomeReport(rows, skipped);
    }

    /// <summary>Per result: callees whose last call ended so, and calls (redials included).</summary>
    public IRenderable CountsTable()
    {
        var last = Rows.GroupBy(r => r.Callee, StringComparer.Ordinal).Select(g => g.MaxBy(r => r.AttemptNo)!).ToList();
        var table = new Table { Title = new TableTitle($"Outcomes stored: {Rows.Count} (one per callee per call)"), Border = TableBorder.Rounded }
            .AddColumn("Result")
            .AddColumn(new TableColumn("Callees (last call)").RightAligned())
            .AddColumn(new TableColumn("Share").RightAligned())
            .AddColumn(new TableColumn("Calls (with redials)").RightAligned());
        var byCallee = last.CountBy(r => r.Result).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var (result, calls) in Rows.CountBy(r => r.Result).OrderByDescending(p => byCallee.GetValueOrDefault(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            var callees = byCallee.GetValueOrDefault(result);
            table.AddRow(
                new Markup($"[{ResultColors.Of(result).ToMarkup()}]{Markup.Escape(result)}[/]"),
                new Text(callees.ToString(CultureInfo.InvariantCulture)),
                new Text(last.Count == 0 ? string.Empty : ((double)callees / last.Count).ToString("P0", CultureInfo.InvariantCulture)),
                new Text(calls.ToString(CultureInfo.InvariantCulture)));
        }

        if (Skipped.Count > 0)
        {
            table.AddRow(
                new Markup($"[{ResultColors.Of("Skipped").ToMarkup()}]Skipped[/] [grey](do-not-call, never rung)[/]"),
                new Text(Skipped.Count.ToString(CultureInfo.InvariantCulture)),
                new Text(string.Empty),
                new Text("0"));
        }

        table.AddRow(
            new Markup("[bold]all[/]"),
            new Text((last.Count + Skipped.Count).ToString(CultureInfo.InvariantCulture)),
            new Text(string.Empty),
            new Text(Rows.Count.ToString(CultureInfo.InvariantCulture)));
        return table;
    }

    /// <summary>A few rows as stored: one of each result, a redial and a group call when there are some.</summary>
    public IRenderable SampleTable(int max = 10)
    {
        var groupTargets = Rows.GroupBy(r => (r.TargetSeq, r.AttemptNo)).Where(g => g.Count() > 1).Select(g => g.Key.TargetSeq).ToHashSet();
        var picks = Rows.GroupBy(r => r.Result, StringComparer.Ordinal).Select(g => g.First())
            .Concat(Rows.Where(r => r.AttemptNo > 1).Take(1))
            .Concat(Rows.Where(r => groupTargets.Contains(r.TargetSeq)).Take(1))
            .Distinct()
            .Take(max)
            .OrderBy(r => r.TargetSeq).ThenBy(r => r.AttemptNo).ThenBy(r => r.Callee, StringComparer.Ordinal);
        var table = new Table { Title = new TableTitle("Sample outcome rows"), Border = TableBorder.Rounded }
            .AddColumn(new TableColumn("Target").RightAligned())
            .AddColumn(new TableColumn("Attempt").RightAligned())
            .AddColumn("Callee")
            .AddColumn("Result")
            .AddColumn("CallId")
            .AddColumn(new TableColumn("Talk s").RightAligned());
        foreach (var r in picks)
        {
            table.AddRow(
                new Text(r.TargetSeq.ToString(CultureInfo.InvariantCulture) + (groupTargets.Contains(r.TargetSeq) ? " (group)" : string.Empty)),
                new Text(r.AttemptNo.ToString(CultureInfo.InvariantCulture)),
                new Text(r.Callee),
                new Markup($"[{ResultColors.Of(r.Result).ToMarkup()}]{Markup.Escape(r.Result)}[/]"),
                new Text(r.CallId is { Length: > 8 } id ? id[..8] + "…" : r.CallId ?? "-"),
                new Text(r.DurationMs is { } ms ? (ms / 1000.0).ToString("0.#", CultureInfo.InvariantCulture) : "-"));
        }

        return table;
    }
}
