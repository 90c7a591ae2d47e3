using System.CommandLine;
using System.Text.Json;
using Campaigns.Workflows;
using Spectre.Console;
using Temporalio.Exceptions;

namespace Campaigns.Cli.Commands;

/// <summary>
/// <c>submit FILE</c> starts a campaign; <c>submit --csv callees.csv --template campaign.json</c> imports the
/// callees into the store first and starts the template with <c>targetsImported: true</c>. Validated before
/// anything is touched; a campaign id is used once.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create(CommandFactory factory)
    {
        var file = new Argument<string?>("FILE") { Description = "The campaign JSON file (or the template, with --csv)", Arity = ArgumentArity.ZeroOrOne };
        var csv = new Option<string?>("--csv") { Description = "Import the callees from this CSV into the store, then start the template with targetsImported" };
        var template = new Option<string?>("--template") { Description = "The campaign without targets, for --csv" };
        var follow = new Option<bool>("--follow") { Description = "Then show live progress until the campaign ends (as `status`)" };
        var command = new Command("submit", "Validate and start a campaign (ids are used once)") { file, csv, template, follow };
        return factory.WithAction(command, async (parse, context) =>
        {
            var csvPath = parse.GetValue(csv);
            var given = parse.GetValue(file);
            var templatePath = parse.GetValue(template);
            if (given is not null && templatePath is not null)
            {
                throw new CliException(ExitCodes.Invalid, "give the campaign either as FILE or as --template, not both", "e.g. campaigns submit --csv callees.csv --template campaign.json");
            }

            var path = given ?? templatePath ?? throw new CliException(
                ExitCodes.Invalid, "no campaign file given", "campaigns submit campaign.json, or campaigns submit --csv callees.csv --template campaign.json");
            if (templatePath is not null && csvPath is null)
            {
                throw new CliException(ExitCodes.Invalid, "--template goes with --csv (the template has no targets of its own)", "add --csv callees.csv, or give the campaign as FILE");
            }

            var json = await CampaignFiles.ReadTextAsync(path, csvPath is null ? "the campaign file" : "the template", context.Cancel).ConfigureAwait(false);
            if (csvPath is not null)
            {
                json = CampaignFiles.AsImportTemplate(json, path);
            }

            var spec = CampaignFiles.ValidOrThrow(json, path).Spec!;
            await PolicyCommands.RefuseLooserAsync(context, spec, path).ConfigureAwait(false);
            var campaignId = spec.CampaignId!;
            if (spec.Recurring)
            {
                throw new CliException(
                    ExitCodes.Invalid,
                    $"{path} is a recurring campaign (\"recurring\": true): it runs from a schedule, not on its own; nothing was started",
                    $"create its schedule: campaigns schedule create --cron \"0 9 * * MON\" {path} (or leave \"recurring\" out to run it once)");
            }

            var campaigns = await context.CampaignsAsync().ConfigureAwait(false);
            if (csvPath is not null)
            {
                // Before importing: an id started before must not get targets it will never dial.
                await RefuseStartedAsync(campaigns, campaignId, context).ConfigureAwait(false);
                var report = await CsvImport.ImportAsync(context, campaignId, csvPath, json).ConfigureAwait(false);
                CsvImport.RequireTargets(report, csvPath);
            }

            using var document = JsonDocument.Parse(json);
            try
            {
                var handle = await campaigns.StartAsync(document.RootElement.Clone()).ConfigureAwait(false);
                context.Io.Console.MarkupLine(
                    $"[green]started[/] campaign {Markup.Escape(campaignId)}: workflow {Markup.Escape(handle.Id)} on task queue " +
                    $"{Markup.Escape(context.Settings.TaskQueue)} (namespace {Markup.Escape(context.Settings.Namespace)}, run {Markup.Escape(handle.ResultRunId ?? "?")})");
            }
            catch (CampaignRejectedException e)
            {
                // Validated above, so this is the duplicate id (a start racing ours).
                throw Duplicate(campaignId, e.Message, e);
            }
            catch (RpcException e) when (Connection.TemporalConnector.Explain(e, context.Settings) is { } explained)
            {
                throw explained;
            }

            if (parse.GetValue(follow))
            {
                return await StatusCommand.RunAsync(context, campaignId, StatusCommand.Mode.Follow).ConfigureAwait(false);
            }

            context.Io.Console.MarkupLine($"follow it with: campaigns status {Markup.Escape(campaignId)}");
            return ExitCodes.Ok;
        });
    }

    private static async Task RefuseStartedAsync(CampaignClient campaigns, string campaignId, CliContext context)
    {
        try
        {
            var description = await campaigns.Get(campaignId).DescribeAsync(new() { Rpc = new() { CancellationToken = context.Cancel } }).ConfigureAwait(false);
            throw Duplicate(campaignId, $"Campaign {campaignId} was started before (workflow {description.Id}, {description.Status}); a campaign id is used once", null);
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound && !e.Message.Contains("namespace", StringComparison.OrdinalIgnoreCase))
        {
            // Never started: go on.
        }
        catch (RpcException e) when (Connection.TemporalConnector.Explain(e, context.Settings) is { } explained)
        {
            throw explained;
        }
    }

    private static CliException Duplicate(string campaignId, string why, Exception? inner) => new(
        ExitCodes.Failed,
        why + ": nothing was started",
        $"give the campaign a new campaignId; see the earlier one with `campaigns status {campaignId}`",
        inner);
}
