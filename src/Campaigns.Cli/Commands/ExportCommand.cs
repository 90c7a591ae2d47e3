using System.CommandLine;
using Campaigns.Storage.Csv;
using Spectre.Console;

namespace Campaigns.Cli.Commands;

/// <summary><c>export ID --csv FILE</c>: the campaign's outcomes from the store as CSV (<c>-</c> for standard output).</summary>
internal static class ExportCommand
{
    public static Command Create(CommandFactory factory)
    {
        var id = new Argument<string>("ID") { Description = "The campaign id" };
        var csv = new Option<string>("--csv") { Description = "Where to write the outcomes CSV ('-' for standard output)", Required = true };
        var command = new Command("export", "Export a campaign's outcomes from the store as CSV") { id, csv };
        return factory.WithAction(command, async (parse, context) =>
        {
            var campaignId = CampaignIds.Check(parse.GetValue(id)!);
            var path = parse.GetValue(csv)!;
            var store = await context.StoreAsync().ConfigureAwait(false);
            if (await store.GetCampaignAsync(campaignId, context.Cancel).ConfigureAwait(false) is null)
            {
                throw new CliException(
                    ExitCodes.Failed,
                    $"no campaign {campaignId} in the outcome store ({context.StoreName})",
                    "check the id, and that --store / ConnectionStrings__Outcomes is the store the workers write to");
            }

            if (path == "-")
            {
                var rows = await OutcomeCsvWriter.WriteAsync(store, campaignId, context.Io.Out, context.Cancel).ConfigureAwait(false);
                await context.Io.Error.WriteLineAsync($"exported {rows} outcomes of campaign {campaignId}").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            // Written beside the target and moved into place: a failed export never leaves half a file behind.
            var full = Path.GetFullPath(path);
            var partial = full + ".partial";
            int count;
            try
            {
                var writer = new StreamWriter(partial, append: false, new System.Text.UTF8Encoding(false));
                await using (writer.ConfigureAwait(false))
                {
                    count = await OutcomeCsvWriter.WriteAsync(store, campaignId, writer, context.Cancel).ConfigureAwait(false);
                }

                File.Move(partial, full, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                File.Delete(partial);
                throw new CliException(ExitCodes.Invalid, $"cannot write {path}: {e.Message}", "choose a writable path for --csv", e);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }

            context.Io.Console.MarkupLine($"exported {count} outcomes of campaign {Markup.Escape(campaignId)} to {Markup.Escape(path)}");
            return ExitCodes.Ok;
        });
    }
}
