using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Campaigns.Cli.Output;
using Campaigns.Workflows.Contract;
using Spectre.Console;

namespace Campaigns.Cli.Commands;

/// <summary>
/// <c>status ID</c>: live progress per result until the campaign ends (a live table on a terminal, a line per change
/// otherwise); <c>--no-follow</c> shows it once; <c>--json</c> prints one JSON object for scripts.
/// </summary>
internal static class StatusCommand
{
    public enum Mode
    {
        Follow,
        Once,
        Json,
    }

    public static Command Create(CommandFactory factory)
    {
        var id = new Argument<string>("ID") { Description = "The campaign id" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (status, progress per result) and exit" };
        var noFollow = new Option<bool>("--no-follow") { Description = "Show the progress once and exit" };
        var every = new Option<double>("--interval")
        {
            Description = "Seconds between refreshes while following (default 1)",
            DefaultValueFactory = _ => 1,
        };
        every.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0.05 or > 3600)
            {
                r.AddError("--interval must be 0.05-3600 seconds");
            }
        });
        var command = new Command("status", "Show a campaign's progress per result, live until it ends") { id, json, noFollow, every };
        return factory.WithAction(command, (parse, context) =>
        {
            var mode = parse.GetValue(json) ? Mode.Json : parse.GetValue(noFollow) ? Mode.Once : Mode.Follow;
            return RunAsync(context, CampaignIds.Check(parse.GetValue(id)!), mode, TimeSpan.FromSeconds(parse.GetValue(every)));
        });
    }

    public static async Task<int> RunAsync(CliContext context, string campaignId, Mode mode, TimeSpan? refresh = null)
    {
        var interval = refresh ?? TimeSpan.FromSeconds(1);
        var io = context.Io;
        // For scripts, a campaign whose progress no worker answered is still an answer: progress null, a note why.
        var snapshot = await CampaignLookup.SnapshotAsync(context, campaignId, tolerateNoWorker: mode == Mode.Json).ConfigureAwait(false);
        switch (mode)
        {
            case Mode.Json:
                await io.Out.WriteLineAsync(JsonSerializer.Serialize(snapshot, CampaignJson.Options)).ConfigureAwait(false);
                break;
            case Mode.Once:
                io.Console.Write(ProgressView.Render(snapshot));
                break;
            default:
                snapshot = io.Console.Profile.Capabilities.Interactive
                    ? await FollowLiveAsync(context, snapshot, interval).ConfigureAwait(false)
                    : await FollowLinesAsync(context, snapshot, interval).ConfigureAwait(false);
                break;
        }

        return snapshot.IsFailure ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static async Task<CampaignSnapshot> FollowLiveAsync(CliContext context, CampaignSnapshot snapshot, TimeSpan interval)
    {
        await context.Io.Console.Live(ProgressView.Render(snapshot)).AutoClear(false).StartAsync(async live =>
        {
            while (!snapshot.IsClosed)
            {
                await Task.Delay(interval, context.Cancel).ConfigureAwait(false);
                snapshot = await CampaignLookup.SnapshotAsync(context, snapshot.CampaignId, tolerateNoWorker: true).ConfigureAwait(false);
                live.UpdateTarget(ProgressView.Render(snapshot));
            }
        }).ConfigureAwait(false);
        return snapshot;
    }

    // Not a terminal (a log, a pipe, CI): one line each time something changed, then the final table.
    private static async Task<CampaignSnapshot> FollowLinesAsync(CliContext context, CampaignSnapshot snapshot, TimeSpan interval)
    {
        var last = string.Empty;
        while (true)
        {
            var line = ProgressView.Line(snapshot);
            if (line != last)
            {
                await context.Io.Out.WriteLineAsync(DateTime.Now.ToString("HH:mm:ss ", CultureInfo.InvariantCulture) + line).ConfigureAwait(false);
                last = line;
            }

            if (snapshot.IsClosed)
            {
                break;
            }

            await Task.Delay(interval, context.Cancel).ConfigureAwait(false);
            snapshot = await CampaignLookup.SnapshotAsync(context, snapshot.CampaignId, tolerateNoWorker: true).ConfigureAwait(false);
        }

        context.Io.Console.Write(ProgressView.Render(snapshot));
        return snapshot;
    }
}
