using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Campaigns.Cli.Connection;
using Campaigns.Workflows.Contract;
using Spectre.Console;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Campaigns.Cli.Commands;

/// <summary><c>list</c>: campaigns from Temporal's visibility store, by the CampaignId and CampaignStatus search attributes.</summary>
internal static class ListCommand
{
    /// <summary>What <c>--status</c> takes: the campaign statuses, and Failed for runs that failed, were terminated or timed out.</summary>
    public static readonly string[] Statuses = ["Scheduled", "Running", "Paused", "Completed", "Cancelled", "Failed"];

    public static Command Create(CommandFactory factory)
    {
        var status = new Option<string?>("--status") { Description = "Only campaigns in this status: " + string.Join(", ", Statuses) };
        status.AcceptOnlyFromAmong(Statuses);
        var prefix = new Option<string?>("--prefix") { Description = "Only campaign ids starting with this" };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (default 100)", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--limit must be at least 1");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print a JSON array" };
        var command = new Command("list", "List campaigns (search attributes CampaignId and CampaignStatus)") { status, prefix, limit, json };
        return factory.WithAction(command, async (parse, context) =>
        {
            var query = Query(parse.GetValue(status), parse.GetValue(prefix));
            var campaigns = await context.CampaignsAsync().ConfigureAwait(false);
            var rows = new List<Row>();
            try
            {
                var options = new WorkflowListOptions { Limit = parse.GetValue(limit), Rpc = new() { CancellationToken = context.Cancel } };
                await foreach (var wf in campaigns.Temporal.ListWorkflowsAsync(query, options).WithCancellation(context.Cancel).ConfigureAwait(false))
                {
                    rows.Add(Row.Of(wf));
                }
            }
            catch (RpcException e) when (TemporalConnector.Explain(e, context.Settings) is { } explained)
            {
                throw explained;
            }
            catch (RpcException e) when (e.Code == RpcException.StatusCode.InvalidArgument)
            {
                var hint = "the namespace needs the search attributes CampaignId and CampaignStatus (Keyword): "
                    + CampaignSearch.RegisterCommand(campaigns.Temporal.Options.Namespace);
                throw new CliException(ExitCodes.Failed, $"Temporal refused the list query ({e.Message})", hint, e);
            }

            if (parse.GetValue(json))
            {
                await context.Io.Out.WriteLineAsync(JsonSerializer.Serialize(rows, CampaignJson.Options)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (rows.Count == 0)
            {
                context.Io.Console.MarkupLine("no campaigns match");
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("campaign", "status", "started", "closed", "workflow id");
            foreach (var row in rows)
            {
                table.AddRow(
                    Markup.Escape(row.CampaignId),
                    Markup.Escape(row.Status),
                    Time(row.StartedAt),
                    Time(row.ClosedAt),
                    Markup.Escape(row.WorkflowId));
            }

            context.Io.Console.Write(table);
            return ExitCodes.Ok;
        });
    }

    /// <summary>The visibility query; the prefix is checked against the campaign id rule, so it needs no escaping.</summary>
    public static string Query(string? status, string? prefix)
    {
        var clauses = new List<string> { "WorkflowType = 'CampaignWorkflow'", "ExecutionStatus != 'ContinuedAsNew'" };
        clauses.AddRange(status switch
        {
            // A failed run keeps CampaignStatus 'Running': the execution status tells them apart.
            "Scheduled" or "Running" or "Paused" => [$"CampaignStatus = '{status}'", "ExecutionStatus = 'Running'"],
            "Completed" => ["CampaignStatus = 'Completed'", "ExecutionStatus = 'Completed'"],
            "Cancelled" => ["(CampaignStatus = 'Cancelled' OR ExecutionStatus = 'Canceled')"],
            "Failed" => ["ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut')"],
            _ => [],
        });
        if (prefix is not null)
        {
            if (prefix.Length is 0 or > 64 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                throw new CliException(ExitCodes.Invalid, $"--prefix \"{prefix}\" cannot start a campaign id (letters, digits, _ - and . only)", "give the first characters of a campaignId");
            }

            clauses.Add($"CampaignId STARTS_WITH '{prefix}'");
        }

        return string.Join(" AND ", clauses);
    }

    private static string Time(DateTime? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>One campaign in the list.</summary>
    internal sealed record Row(string CampaignId, string Status, string Execution, string WorkflowId, string RunId, DateTime StartedAt, DateTime? ClosedAt)
    {
        public static Row Of(WorkflowExecution wf)
        {
            var campaignId = wf.TypedSearchAttributes.TryGetValue(CampaignSearch.CampaignId, out var id) ? id
                : wf.Id.StartsWith("campaign-", StringComparison.Ordinal) ? wf.Id["campaign-".Length..] : wf.Id;
            var attribute = wf.TypedSearchAttributes.TryGetValue(CampaignSearch.CampaignStatus, out var s) ? s : null;
            var status = wf.Status switch
            {
                WorkflowExecutionStatus.Running or WorkflowExecutionStatus.Completed => attribute ?? CampaignLookup.Name(wf.Status),
                WorkflowExecutionStatus.Canceled => CampaignStatuses.Cancelled,
                _ => CampaignLookup.Name(wf.Status),
            };
            return new Row(campaignId, status, CampaignLookup.Name(wf.Status), wf.Id, wf.RunId, wf.StartTime, wf.CloseTime);
        }
    }
}
