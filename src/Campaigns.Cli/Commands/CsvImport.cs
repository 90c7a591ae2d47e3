using System.Text.Json;
using Campaigns.Storage.Csv;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Spectre.Console;

namespace Campaigns.Cli.Commands;

/// <summary>Imports a callee CSV into a campaign's targets in the store (shared by <c>import</c> and <c>submit --csv</c>).</summary>
internal static class CsvImport
{
    /// <summary>Rejected lines printed in full; the rest are counted.</summary>
    private const int RejectedShown = 50;

    /// <summary>
    /// Registers the campaign in the store when it is new (with <paramref name="definitionJson"/>), refuses a
    /// campaign that was started already (targets added now would never be dialed), imports, and reports.
    /// </summary>
    public static async Task<ImportReport> ImportAsync(CliContext context, string campaignId, string csvPath, string? definitionJson)
    {
        using var csv = CampaignFiles.OpenCsv(csvPath);
        var store = await context.StoreAsync().ConfigureAwait(false);
        var existing = await store.GetCampaignAsync(campaignId, context.Cancel).ConfigureAwait(false);
        if (existing is not null && existing.Status != CampaignStatus.Registered)
        {
            throw new CliException(
                ExitCodes.Failed,
                $"campaign {campaignId} is {existing.Status.ToString().ToLowerInvariant()} in the store ({context.StoreName}): targets imported now would never be dialed",
                "import into a new campaign id before submitting it");
        }

        if (existing is null)
        {
            definitionJson ??= JsonSerializer.Serialize(new { campaignId, targetsImported = true }, CampaignJson.Options);
            await store.RegisterCampaignAsync(campaignId, CampaignSearch.WorkflowIdOf(campaignId), definitionJson, context.Cancel).ConfigureAwait(false);
        }

        var report = await CalleeImporter.ImportAsync(store, campaignId, csv, context.Cancel).ConfigureAwait(false);
        Print(context.Io, campaignId, csvPath, report);
        return report;
    }

    private static void Print(CliIo io, string campaignId, string csvPath, ImportReport report)
    {
        var duplicates = report.Rejected.Count(r => r.Reason.Contains("duplicate", StringComparison.OrdinalIgnoreCase));
        io.Console.MarkupLine(
            $"imported {report.Imported} of {report.Rows} rows from {Markup.Escape(csvPath)} into campaign {Markup.Escape(campaignId)}: " +
            $"[green]{report.Imported} imported[/], {report.AlreadyPresent} already present, " +
            $"{(report.Rejected.Count > 0 ? "[yellow]" : string.Empty)}{report.Rejected.Count} rejected{(report.Rejected.Count > 0 ? "[/]" : string.Empty)}" +
            (duplicates > 0 ? $" ({duplicates} duplicates within the file)" : string.Empty));
        foreach (var row in report.Rejected.Take(RejectedShown))
        {
            io.Error.WriteLine($"  line {row.Line}: {row.Reason} ({Clip(row.Value)})");
        }

        if (report.Rejected.Count > RejectedShown)
        {
            io.Error.WriteLine($"  … and {report.Rejected.Count - RejectedShown} more rejected lines");
        }
    }

    /// <summary>Nothing to dial is an input error: the file held no usable callee.</summary>
    public static void RequireTargets(ImportReport report, string csvPath)
    {
        if (report.Imported + report.AlreadyPresent == 0)
        {
            throw new CliException(
                ExitCodes.Invalid,
                $"{csvPath} holds no callee that can be dialed ({report.Rows} rows, {report.Rejected.Count} rejected)",
                "fix the lines listed above; a header row names the callee column (callee, user_id, account, …)");
        }
    }

    private static string Clip(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
