using System.Globalization;
using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Spectre.Console;
using Spectre.Console.Rendering;
using Temporalio.Client;
using Progress = Campaigns.Storage.Model.Progress;

namespace Campaigns.Demo;

/// <summary>
/// Follows a running campaign until it ends: targets finished from the workflow's <c>progress</c> query (it moves
/// a batch at a time) and outcomes per result from the store (they land call by call). A live bar and chart on a
/// terminal; a plain line every few seconds when the output is redirected (a log, a test).
/// </summary>
public static class LiveProgress
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    /// <summary>Shows progress until the workflow ends; returns its result (throws as the workflow failed).</summary>
    public static async Task<CampaignProgress> FollowAsync(
        WorkflowHandle<CampaignWorkflow, CampaignProgress> handle, IOutcomeStore store, string campaignId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(store);
        var started = DateTime.UtcNow;
        var result = handle.GetResultAsync(rpcOptions: new() { CancellationToken = cancellationToken });
        var workflow = new CampaignProgress { CampaignId = campaignId };
        Progress? stored = null;

        async Task PollAsync()
        {
            workflow = await QueryAsync(handle, cancellationToken).ConfigureAwait(false) ?? workflow;
            stored = await store.GetProgressAsync(campaignId, cancellationToken).ConfigureAwait(false);
        }

        async Task<CampaignProgress> FinishAsync()
        {
            workflow = await result.ConfigureAwait(false);
            stored = await store.GetProgressAsync(campaignId, cancellationToken).ConfigureAwait(false);
            return workflow;
        }

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastPrinted = DateTime.UtcNow;
            while (!result.IsCompleted)
            {
                await Task.WhenAny(result, Task.Delay(PollEvery, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (DateTime.UtcNow - lastPrinted >= PlainEvery && !result.IsCompleted)
                {
                    await PollAsync().ConfigureAwait(false);
                    await Console.Out.WriteLineAsync(PlainLine(workflow, stored, DateTime.UtcNow - started)).ConfigureAwait(false);
                    lastPrinted = DateTime.UtcNow;
                }
            }

            var final = await FinishAsync().ConfigureAwait(false);
            await Console.Out.WriteLineAsync(PlainLine(final, stored, DateTime.UtcNow - started)).ConfigureAwait(false);
            return final;
        }

        return await AnsiConsole.Live(Render(workflow, stored, TimeSpan.Zero))
            .AutoClear(false)
            .StartAsync(async ctx =>
            {
                while (!result.IsCompleted)
                {
                    await PollAsync().ConfigureAwait(false);
                    ctx.UpdateTarget(Render(workflow, stored, DateTime.UtcNow - started));
                    await Task.WhenAny(result, Task.Delay(PollEvery, cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var final = await FinishAsync().ConfigureAwait(false);
                ctx.UpdateTarget(Render(final, stored, DateTime.UtcNow - started));
                return final;
            }).ConfigureAwait(false);
    }

    /// <summary>The bar, the counts and the per-result chart.</summary>
    public static IRenderable Render(CampaignProgress workflow, Progress? stored, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var share = workflow.Targets == 0 ? 0 : (double)workflow.Finished / workflow.Targets;
        const int width = 50;
        var done = (int)Math.Round(share * width);
        var bar = $"[green]{new string('━', done)}[/][grey23]{new string('━', width - done)}[/]";
        var header = $"[bold]{Markup.Escape(workflow.CampaignId)}[/]  {StatusMarkup(workflow.Status)}  [grey]{elapsed:m\\:ss}[/]";
        var targets = string.Create(
            CultureInfo.InvariantCulture,
            $"{bar} {share,4:P0}  [bold]{workflow.Finished}[/] of {workflow.Targets} targets finished, {workflow.Dispatched} dispatched");
        var calls = $"[bold]{CallsPlaced(stored)}[/] calls placed · [bold]{Outcomes(stored)}[/] outcomes stored (one per callee per call)";
        var chart = new BarChart { Width = 72 };
        foreach (var (result, count) in (stored?.OutcomesByResult ?? new Dictionary<string, long>())
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            chart.AddItem(result, count, ResultColors.Of(result));
        }

        IRenderable body = chart.Data.Count == 0 ? new Markup("[grey]dialing the first calls…[/]") : chart;
        return new Panel(new Rows(new Markup(header), new Markup(targets), new Markup(calls), new Text(string.Empty), body))
        {
            Header = new PanelHeader("campaign progress"),
            Border = BoxBorder.Rounded,
        };
    }

    /// <summary>One line for redirected output.</summary>
    public static string PlainLine(CampaignProgress workflow, Progress? stored, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var results = string.Join(", ", (stored?.OutcomesByResult ?? new Dictionary<string, long>())
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
#pragma warning disable SA1118 // one invariant-culture interpolation split over lines; a local string would lose string.Create's culture
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{elapsed:m\\:ss}] {workflow.Status}: {workflow.Finished}/{workflow.Targets} targets finished, {CallsPlaced(stored)} calls placed, "
            + $"{Outcomes(stored)} outcomes stored: {results}");
#pragma warning restore SA1118
    }

    private static long CallsPlaced(Progress? stored) =>
        stored is null ? 0 : stored.AttemptsByState.GetValueOrDefault(AttemptState.Dialed) + stored.AttemptsByState.GetValueOrDefault(AttemptState.Settled);

    private static long Outcomes(Progress? stored) => stored?.OutcomesByResult.Values.Sum() ?? 0;

    private static string StatusMarkup(string status) => status switch
    {
        CampaignStatuses.Completed => "[green]Completed[/]",
        CampaignStatuses.Cancelled => "[red]Cancelled[/]",
        CampaignStatuses.Paused => "[yellow]Paused[/]",
        _ => $"[blue]{Markup.Escape(status)}[/]",
    };

    // A query can fail while the workflow has not had its first task yet: keep the last answer and try again.
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
