using System.Globalization;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Spectre.Console;
using Spectre.Console.Rendering;
using Temporalio.Client;

namespace Campaigns.Demo;

/// <summary>
/// Follows a running campaign through its <c>progress</c> query until it ends: a live bar and per-result chart
/// on a terminal, a plain line every few seconds when the output is redirected (a log, a test).
/// </summary>
public static class LiveProgress
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    /// <summary>Shows progress until the workflow ends; returns its result (throws as the workflow failed).</summary>
    public static async Task<CampaignProgress> FollowAsync(
        WorkflowHandle<CampaignWorkflow, CampaignProgress> handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var started = DateTime.UtcNow;
        var result = handle.GetResultAsync(rpcOptions: new() { CancellationToken = cancellationToken });
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastPrinted = DateTime.MinValue;
            while (!result.IsCompleted)
            {
                if (DateTime.UtcNow - lastPrinted >= PlainEvery && await QueryAsync(handle, cancellationToken).ConfigureAwait(false) is { } p)
                {
                    AnsiConsole.WriteLine(PlainLine(p, DateTime.UtcNow - started));
                    lastPrinted = DateTime.UtcNow;
                }

                await Task.WhenAny(result, Task.Delay(PollEvery, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            var final = await result.ConfigureAwait(false);
            AnsiConsole.WriteLine(PlainLine(final, DateTime.UtcNow - started));
            return final;
        }

        return await AnsiConsole.Live(new Text("Waiting for the first progress…"))
            .AutoClear(false)
            .StartAsync(async ctx =>
            {
                while (!result.IsCompleted)
                {
                    if (await QueryAsync(handle, cancellationToken).ConfigureAwait(false) is { } p)
                    {
                        ctx.UpdateTarget(Render(p, DateTime.UtcNow - started));
                    }

                    await Task.WhenAny(result, Task.Delay(PollEvery, cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var final = await result.ConfigureAwait(false);
                ctx.UpdateTarget(Render(final, DateTime.UtcNow - started));
                return final;
            }).ConfigureAwait(false);
    }

    /// <summary>The bar, the counts and the chart of one progress answer.</summary>
    public static IRenderable Render(CampaignProgress progress, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var share = progress.Targets == 0 ? 0 : (double)progress.Finished / progress.Targets;
        const int width = 50;
        var done = (int)Math.Round(share * width);
        var bar = $"[green]{new string('━', done)}[/][grey23]{new string('━', width - done)}[/]";
        var header = $"[bold]{Markup.Escape(progress.CampaignId)}[/]  {StatusMarkup(progress.Status)}  [grey]{elapsed:m\\:ss}[/]";
        var counts = $"{bar} {share,4:P0}  [bold]{progress.Finished}[/] of {progress.Targets} targets finished · "
            + $"{progress.Dispatched} dispatched · {progress.Attempts} calls came to a result";
        var chart = new BarChart { Width = 72 };
        foreach (var (result, count) in progress.ByResult.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            chart.AddItem(result, count, ResultColors.Of(result));
        }

        IRenderable body = progress.ByResult.Count == 0 ? new Markup("[grey]dialing the first calls…[/]") : chart;
        return new Panel(new Rows(new Markup(header), new Markup(counts), new Text(""), body))
        {
            Header = new PanelHeader("campaign progress (workflow query)"),
            Border = BoxBorder.Rounded,
        };
    }

    /// <summary>One line for redirected output.</summary>
    public static string PlainLine(CampaignProgress progress, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var results = string.Join(", ", progress.ByResult.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{elapsed:m\\:ss}] {progress.Status}: {progress.Finished}/{progress.Targets} targets finished, {progress.Dispatched} dispatched; {results}");
    }

    private static string StatusMarkup(string status) => status switch
    {
        CampaignStatuses.Completed => "[green]Completed[/]",
        CampaignStatuses.Cancelled => "[red]Cancelled[/]",
        CampaignStatuses.Paused => "[yellow]Paused[/]",
        _ => $"[blue]{Markup.Escape(status)}[/]",
    };

    // A query can miss while the worker is between workflow tasks (or before the first one): try again next time.
    private static async Task<CampaignProgress?> QueryAsync(WorkflowHandle<CampaignWorkflow, CampaignProgress> handle, CancellationToken cancellationToken)
    {
        try
        {
            return await handle.QueryAsync(wf => wf.Progress, new() { Rpc = new() { CancellationToken = cancellationToken, Timeout = TimeSpan.FromSeconds(5) } })
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is Temporalio.Exceptions.RpcException or Temporalio.Exceptions.WorkflowQueryFailedException)
        {
            return null;
        }
    }
}
