using System.CommandLine;
using System.Globalization;
using System.Linq.Expressions;
using Campaigns.Cli.Connection;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Spectre.Console;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Campaigns.Cli.Commands;

/// <summary>
/// <c>pause</c>, <c>resume</c>, <c>cancel</c> and <c>rate</c>: the workflow's updates. A command the workflow refuses
/// (CommandRefused) prints the workflow's reason and exits 1.
/// </summary>
internal static class ControlCommands
{
    public static IEnumerable<Command> Create(CommandFactory factory)
    {
        yield return Simple(
            factory,
            "pause",
            "Stop dispatching new calls; calls already placed are still watched",
            wf => wf.PauseAsync(),
            (id, p) => $"[yellow]paused[/] campaign {id}: {Counts(p)}; calls already placed are still watched and settled. Resume with: campaigns resume {id}");
        yield return Simple(
            factory,
            "resume",
            "Go on dispatching a paused campaign",
            wf => wf.ResumeAsync(),
            (id, p) => $"[green]resumed[/] campaign {id}: {Counts(p)}");
        yield return Simple(
            factory,
            "cancel",
            "Stop dispatching, hang up calls nobody answered yet, keep the outcomes; ends as Cancelled",
            wf => wf.CancelAsync(),
            (id, p) => $"[yellow]cancelling[/] campaign {id}: {Counts(p)}; ringing calls are hung up and answered ones settled. Follow with: campaigns status {id}");
        yield return Rate(factory);
    }

    private static Command Simple(
        CommandFactory factory, string name, string description, Expression<Func<CampaignWorkflow, Task<CampaignProgress>>> update, Func<string, CampaignProgress, string> done)
    {
        var id = new Argument<string>("ID") { Description = "The campaign id" };
        var timeout = TimeoutOption();
        var command = new Command(name, description) { id, timeout };
        return factory.WithAction(command, async (parse, context) =>
        {
            var campaignId = CampaignIds.Check(parse.GetValue(id)!);
            var progress = await UpdateAsync(context, campaignId, name, update, TimeSpan.FromSeconds(parse.GetValue(timeout))).ConfigureAwait(false);
            context.Io.Console.MarkupLine(done(Markup.Escape(campaignId), progress));
            return ExitCodes.Ok;
        });
    }

    private static Command Rate(CommandFactory factory)
    {
        var id = new Argument<string>("ID") { Description = "The campaign id" };
        var rate = new Argument<string>("N") { Description = "New starts per second for this campaign (1-200), or 'default' for the worker's share" };
        var timeout = TimeoutOption();
        var command = new Command("rate", "Change a campaign's start rate (calls per second) from the next batch on") { id, rate, timeout };
        return factory.WithAction(command, async (parse, context) =>
        {
            var campaignId = CampaignIds.Check(parse.GetValue(id)!);
            var text = parse.GetValue(rate)!;
            int? perSecond = text.Equals("default", StringComparison.OrdinalIgnoreCase) ? null
                : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new CliException(ExitCodes.Invalid, $"rate \"{text}\" is not a whole number of calls per second", "e.g. campaigns rate ID 50, or campaigns rate ID default");
            var change = new RateChange(perSecond);
            var progress = await UpdateAsync(context, campaignId, "setRate", wf => wf.SetRateAsync(change), TimeSpan.FromSeconds(parse.GetValue(timeout))).ConfigureAwait(false);
            context.Io.Console.MarkupLine(
                $"campaign {Markup.Escape(campaignId)} now starts at most {(perSecond is null ? "as fast as the worker's share allows" : $"{perSecond} calls per second")} " +
                $"from its next batch on: {Counts(progress)}");
            return ExitCodes.Ok;
        });
    }

    private static Option<double> TimeoutOption()
    {
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for a worker to take the command (default 30)", DefaultValueFactory = _ => 30 };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or > 3600)
            {
                r.AddError("--timeout must be 0-3600 seconds");
            }
        });
        return timeout;
    }

    private static string Counts(CampaignProgress p) => $"{p.Finished} of {p.Targets} targets finished, {p.Dispatched} dispatched";

    private static async Task<CampaignProgress> UpdateAsync(
        CliContext context, string campaignId, string name, Expression<Func<CampaignWorkflow, Task<CampaignProgress>>> update, TimeSpan timeout)
    {
        var handle = await CampaignLookup.HandleAsync(context, campaignId).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.Cancel);
        deadline.CancelAfter(timeout);
        try
        {
            return await handle.ExecuteUpdateAsync(update, new WorkflowUpdateOptions { Rpc = new() { CancellationToken = deadline.Token } }).ConfigureAwait(false);
        }
        catch (WorkflowUpdateFailedException e) when (e.InnerException is ApplicationFailureException { ErrorType: CampaignErrors.CommandRefused } refused)
        {
            throw new CliException(ExitCodes.Failed, $"{name} refused by campaign {campaignId}: {refused.Message}", $"see where it stands: campaigns status {campaignId}", e);
        }
        catch (WorkflowUpdateFailedException e)
        {
            throw new CliException(ExitCodes.Failed, $"{name} failed in campaign {campaignId}: {e.InnerException?.Message ?? e.Message}", $"see where it stands: campaigns status {campaignId}", e);
        }
        catch (RpcException e) when (TemporalConnector.Explain(e, context.Settings) is { } explained)
        {
            throw explained;
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            // Either no such campaign, or it has ended (the server answers both NotFound): say which.
            var description = await CampaignLookup.DescribeAsync(context, campaignId).ConfigureAwait(false);
            throw new CliException(
                ExitCodes.Failed,
                $"{name} refused: campaign {campaignId} has ended ({CampaignLookup.Name(description.Status)})",
                $"see how it ended: campaigns status {campaignId}",
                e);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or WorkflowUpdateRpcTimeoutOrCanceledException
            && deadline.IsCancellationRequested && !context.Cancel.IsCancellationRequested)
        {
            var taskQueue = (await CampaignLookup.DescribeAsync(context, campaignId).ConfigureAwait(false)).TaskQueue;
            throw new CliException(
                ExitCodes.Failed,
                $"no worker took the {name} command of campaign {campaignId} within {timeout.TotalSeconds:0.#} s: not applied yet (a worker that comes later may still apply it)",
                $"start a worker polling task queue {taskQueue} (dotnet run --project src/Campaigns.Worker), or wait longer with --timeout",
                e);
        }
    }
}
