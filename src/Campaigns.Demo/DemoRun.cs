using System.Diagnostics;
using Campaigns.Workflows.Contract;
using Spectre.Console;

namespace Campaigns.Demo;

/// <summary>One demo run: start the services, put one callee on the do-not-call list, run the sample campaign, report.</summary>
public static class DemoRun
{
    /// <summary>
    /// Simulated seconds per real second: a 30 s ring takes 0.5 s, a record's 5 s delay 0.08 s, the 2 % of records
    /// that come 1–10 minutes late 1–10 s, and a record that never comes is given up after 10 s (600 s simulated),
    /// so a campaign of a few hundred, first dialed over about 10 s and then redialed, ends in well under a minute.
    /// </summary>
    public const double TimeScale = 60;

    /// <summary>Runs the demo; the exit code (see Program.cs).</summary>
    public static async Task<int> RunAsync(DemoOptions options, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Redirected output (a log, a test) would be wrapped at 80 columns, paths and links included.
            AnsiConsole.Profile.Width = 200;
        }

        AnsiConsole.Write(new Rule("[bold]Campaigns demo[/]").LeftJustified());
        DemoServices? services = null;
        try
        {
#pragma warning disable CA2000 // disposed in the finally below, which also reports a failure to stop
            services = await DemoServices.StartAsync(TimeScale, line => AnsiConsole.MarkupLineInterpolated($"[grey]•[/] {line}"), stop).ConfigureAwait(false);
#pragma warning restore CA2000
            AnsiConsole.MarkupLineInterpolated($"[grey]•[/] Ready after {clock.Elapsed.TotalSeconds:0.0} s");
            var ok = await RunCampaignAsync(services, options.Callees, stop).ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"Demo finished in {clock.Elapsed.TotalSeconds:0} s.");
            if (options.KeepRunning && ok)
            {
                AnsiConsole.MarkupLine("[yellow]--keep-running:[/] the Temporal dev server and its Web UI stay up. Press Ctrl-C to stop.");
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
            }

            return ok ? 0 : 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 130;
        }
#pragma warning disable CA1031 // the top of the program: any failure is told in one line, and everything started is still stopped
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The demo failed ({e.GetType().Name}):[/] {e.Message}");
            return 1;
        }
        finally
        {
            if (services is not null)
            {
                try
                {
                    await services.DisposeAsync().ConfigureAwait(false);
                    AnsiConsole.MarkupLineInterpolated($"[grey]Stopped the worker, the simulator and the Temporal dev server; removed {services.Folder}.[/]");
                }
                catch (AggregateException e)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]Stopping did not go cleanly:[/] {string.Join("; ", e.InnerExceptions.Select(x => x.Message))}");
                }

                if (services.Log.Lines > 0)
                {
                    AnsiConsole.MarkupLineInterpolated($"[grey]The worker logged {services.Log.Lines} warnings or errors; the last ones:[/]");
                    foreach (var line in services.Log.LastLines)
                    {
                        await Console.Out.WriteLineAsync("  " + line).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    // A link on a line of its own, never wrapped (a wrapped link cannot be clicked or copied whole).
    private static void Url(string url) => Console.Out.WriteLine("  " + url);

    private static async Task<bool> RunCampaignAsync(DemoServices services, int callees, CancellationToken stop)
    {
        var campaignId = SampleCampaign.NewId();
        var spec = SampleCampaign.Build(campaignId, callees);
        await services.Store.AddDoNotCallAsync([SampleCampaign.DoNotCall], "asked not to be called (demo)", stop).ConfigureAwait(false);
        var handle = await services.Campaigns.StartAsync(spec).ConfigureAwait(false);
        var list = services.Temporal.WorkflowsPage($"CampaignId=\"{campaignId}\"");
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]•[/] Started campaign [bold]{campaignId}[/]: {spec.Callees!.Count} callees one by one, {spec.Groups!.Count} group calls of 3, {spec.Rate.MaxCallsPerSecond} calls/s, NotAnswer and CallBusy redialed (3 attempts at most), {SampleCampaign.DoNotCall} on the do-not-call list");
        AnsiConsole.MarkupLine("[grey]•[/] Watch it in the Web UI (campaigns filtered by CampaignId):");
        Url(list);

        var result = await LiveProgress.FollowAsync(handle, services.Store, campaignId, stop).ConfigureAwait(false);
        var report = await OutcomeReport.ReadAsync(services.Store, campaignId, stop).ConfigureAwait(false);
        AnsiConsole.Write(report.CountsTable());
        AnsiConsole.Write(report.SampleTable());
        var describe = await handle.DescribeAsync().ConfigureAwait(false);
        AnsiConsole.MarkupLineInterpolated($"Campaign [bold]{campaignId}[/]: [bold]{result.Status}[/], {result.Finished} of {result.Targets} targets finished in {result.Attempts} calls.");
        AnsiConsole.MarkupLine("Web UI, campaigns filtered by CampaignId:");
        Url(list);
        AnsiConsole.MarkupLine("Web UI, this campaign's summary and current details:");
        Url(services.Temporal.WorkflowPage(handle.Id, describe.RunId, "user-metadata"));
        return result.Status == CampaignStatuses.Completed && report.Rows.Count > 0;
    }
}
