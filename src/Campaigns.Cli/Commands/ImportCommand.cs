using System.CommandLine;
using Spectre.Console;

namespace Campaigns.Cli.Commands;

/// <summary>
/// <c>import ID --csv FILE</c>: callees into the store for a campaign that is not started yet; submit it later
/// with a file that sets <c>targetsImported: true</c>. Needs only the store.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CommandFactory factory)
    {
        var id = new Argument<string>("ID") { Description = "The campaign id (as its campaignId)" };
        var csv = new Option<string>("--csv") { Description = "The callee CSV", Required = true };
        var command = new Command("import", "Import callees from a CSV into the store for a campaign not started yet") { id, csv };
        return factory.WithAction(command, async (parse, context) =>
        {
            var campaignId = CampaignIds.Check(parse.GetValue(id)!);
            var path = parse.GetValue(csv)!;
            var report = await CsvImport.ImportAsync(context, campaignId, path, null).ConfigureAwait(false);
            CsvImport.RequireTargets(report, path);
            context.Io.Console.MarkupLine(
                $"start it with a campaign file whose campaignId is {Markup.Escape(campaignId)} and that sets \"targetsImported\": true: campaigns submit FILE");
            return ExitCodes.Ok;
        });
    }
}

/// <summary>The campaign id rule (as the validator checks it), for ids given on the command line.</summary>
internal static class CampaignIds
{
    public static string Check(string id)
    {
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw new CliException(
                ExitCodes.Invalid,
                $"\"{id}\" is not a campaign id (1-64 of letters, digits, _ - and .)",
                "give the campaignId of the campaign file (the workflow id is campaign-<campaignId>)");
        }

        return id;
    }
}
