using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Campaigns.Cli.Output;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Forecast;

namespace Campaigns.Cli.Commands;

/// <summary>
/// <c>forecast FILE [--csv callees.csv]</c>: how long the campaign will take before it dials — its start rate, attempts
/// with redials, waits for its calling window, and when it ends — from the workflow's own forecaster. Needs nothing
/// running; with a store it also counts the campaigns dialing now, the workers, do-not-call callees and earlier
/// campaigns' results.
/// </summary>
internal static class ForecastCommand
{
    public static Command Create(CommandFactory factory)
    {
        var file = new Argument<string>("FILE") { Description = "The campaign JSON file (the template, with --csv)" };
        var csv = new Option<string?>("--csv") { Description = "Count the targets from this callee CSV (FILE is then the template, as for submit --csv)" };
        var mix = new Option<string?>("--mix")
        {
            Description = "The result mix per attempt: RESULT=SHARE,… (e.g. NormalEnd=60,NotAnswer=25,CallBusy=15), 'default', or 'history' " +
                "(default: the store's completed campaigns when a store is configured, else the simulator's default mix)",
        };
        var at = new Option<string?>("--at") { Description = "When the campaign starts, ISO 8601 (default now), e.g. 2027-01-04T09:00:00+08:00" };
        var workers = new Option<int?>("--workers") { Description = "Workers sharing the vendor's limit (default: the store's fleet registry, else 1)" };
        var startBudget = new Option<double?>("--start-budget") { Description = "The workers' Campaigns:Budget:StartCallsPerSecond (default 200)" };
        var headroom = new Option<double?>("--headroom") { Description = "The workers' Campaigns:Budget:Headroom (default 0.9)" };
        var timeScale = new Option<double?>("--time-scale") { Description = "The workers' Campaigns:Watch:TimeScale, for a simulator run faster than real time (default 1)" };
        var json = new Option<bool>("--json") { Description = "Print the forecast as one JSON object" };
        var command = new Command("forecast", "Forecast a campaign before it dials: rate, attempts with redials, window waits, duration and end time")
        {
            file, csv, mix, at, workers, startBudget, headroom, timeScale, json,
        };
        return factory.WithAction(command, async (parse, context) =>
        {
            var path = parse.GetValue(file)!;
            var csvPath = parse.GetValue(csv);
            var text = await CampaignFiles.ReadTextAsync(path, csvPath is null ? "the campaign file" : "the template", context.Cancel).ConfigureAwait(false);
            if (csvPath is not null)
            {
                text = CampaignFiles.AsImportTemplate(text, path);
            }

            var spec = CampaignFiles.ValidOrThrow(text, path).Spec!;
            var start = At(parse.GetValue(at));
            var settings = new ForecastSettings
            {
                Workers = parse.GetValue(workers) ?? 1,
                StartCallsPerSecond = parse.GetValue(startBudget) ?? 200,
                Headroom = parse.GetValue(headroom) ?? 0.9,
                TimeScale = parse.GetValue(timeScale) ?? 1,
            };
            if (settings.Problems() is { Count: > 0 } problems)
            {
                throw new CliException(ExitCodes.Invalid, "invalid forecast options; nothing was forecast", "fix the options named above") { Details = problems };
            }

            var mixOption = parse.GetValue(mix);
            if (!ForecastSources.NamesASource(mixOption))
            {
                ForecastSources.ParseMix(mixOption!); // a bad mix is refused before the store is asked anything
            }

            // Only now the store (optional): targets imported there, do-not-call callees, history, running campaigns, workers.
            var sources = await ForecastSources.OpenAsync(context).ConfigureAwait(false);
            var (targets, skipped, targetNotes) = await sources.TargetsAsync(spec, csvPath).ConfigureAwait(false);
            var holidays = await sources.HolidaysAsync().ConfigureAwait(false);
            var (caps, capped) = await sources.ContactCapsAsync(spec).ConfigureAwait(false);
            var (resultMix, timing) = await sources.MixAsync(mixOption).ConfigureAwait(false);
            settings = settings with
            {
                Workers = parse.GetValue(workers) ?? await sources.WorkersAsync().ConfigureAwait(false),
                Callees = timing,
            };
            var running = await sources.RunningAsync(spec.CampaignId!, resultMix).ConfigureAwait(false);
            var forecast = CampaignForecaster.Forecast(new ForecastInput
            {
                Spec = spec, Targets = targets, Skipped = skipped, Mix = resultMix, Settings = settings, Running = running, At = start,
                TargetsByZone = sources.TargetsByZone, Holidays = holidays, ContactCaps = caps, CappedTargets = capped,
            });
            forecast = forecast with { Notes = [.. targetNotes, .. sources.Notes, .. forecast.Notes] };
            if (parse.GetValue(json))
            {
                await context.Io.Out.WriteLineAsync(JsonSerializer.Serialize(forecast, CampaignJson.Options)).ConfigureAwait(false);
            }
            else
            {
                context.Io.Console.Write(ForecastView.Render(forecast));
            }

            return ExitCodes.Ok;
        });
    }

    private static DateTimeOffset At(string? text)
    {
        if (text is null)
        {
            return DateTimeOffset.UtcNow;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new CliException(ExitCodes.Invalid, $"--at: \"{text}\" is not a date and time", "give ISO 8601, e.g. 2027-01-04T09:00:00+08:00 (no offset: UTC)");
    }
}
