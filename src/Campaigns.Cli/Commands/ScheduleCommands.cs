using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Campaigns.Cli.Connection;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Spectre.Console;
using Temporalio.Client.Schedules;
using Temporalio.Exceptions;

namespace Campaigns.Cli.Commands;

/// <summary>
/// <c>schedule create|list|pause|unpause|trigger|delete</c>: recurring campaigns as Temporal Schedules. Each run is a
/// campaign of its own, <c>&lt;scheduleId&gt;-&lt;yyyyMMddTHHmmss&gt;</c> of its scheduled time (UTC).
/// </summary>
internal static class ScheduleCommands
{
    public static Command Create(CommandFactory factory)
    {
        var schedule = new Command("schedule", "Recurring campaigns: Temporal Schedules that start a run of a campaign template");
        schedule.Subcommands.Add(CreateCommand(factory));
        schedule.Subcommands.Add(ListCommand(factory));
        schedule.Subcommands.Add(Simple(
            factory,
            "pause",
            "Start no run until unpaused (runs already started go on)",
            (h, note, ct) => h.PauseAsync(note ?? "paused with campaigns schedule pause", new() { CancellationToken = ct }),
            id => $"[yellow]paused[/] schedule {id}: no run starts until `campaigns schedule unpause {id}`; runs already started go on"));
        schedule.Subcommands.Add(Simple(
            factory,
            "unpause",
            "Start runs again at the scheduled times",
            (h, note, ct) => h.UnpauseAsync(note ?? "unpaused with campaigns schedule unpause", new() { CancellationToken = ct }),
            id => $"[green]unpaused[/] schedule {id}: runs start again at the scheduled times"));
        schedule.Subcommands.Add(Simple(
            factory,
            "trigger",
            "Start a run now (its campaign id is from this moment)",
            (h, _, ct) => h.TriggerAsync(new() { Rpc = new() { CancellationToken = ct } }),
            id => $"[green]triggered[/] schedule {id}: a run starts now; find it with campaigns list --prefix {id}-"));
        schedule.Subcommands.Add(Simple(
            factory,
            "delete",
            "Delete the schedule (runs already started go on; their campaigns stay)",
            (h, _, ct) => h.DeleteAsync(new() { CancellationToken = ct }),
            id => $"deleted schedule {id}: no more runs; runs already started go on, and their campaigns stay (campaigns list --prefix {id}-)"));
        return schedule;
    }

    private static Command CreateCommand(CommandFactory factory)
    {
        var file = new Argument<string>("FILE") { Description = "The campaign JSON file: the template of every run" };
        var cron = new Option<string>("--cron") { Description = "When runs start: a cron expression, e.g. \"0 9 * * MON\" (Mondays 09:00)", Required = true };
        var id = new Option<string?>("--id") { Description = "The schedule's id (default: the file's campaignId); runs are <id>-<yyyyMMddTHHmmss>" };
        var csv = new Option<string?>("--csv") { Description = "Import the callees from this CSV as the schedule's list (every run dials it); the file then has no targets" };
        var zone = new Option<string?>("--time-zone") { Description = "The cron's time zone, an IANA name (default UTC), e.g. Asia/Shanghai" };
        var command = new Command("create", "Create a schedule that starts a run of the campaign at each time of --cron") { file, cron, id, csv, zone };
        return factory.WithAction(command, async (parse, context) =>
        {
            var path = parse.GetValue(file)!;
            var csvPath = parse.GetValue(csv);
            var scheduleId = parse.GetValue(id) is { } given ? ScheduleIds.Check(given) : null;
            var json = await CampaignFiles.ReadTextAsync(path, "the campaign file", context.Cancel).ConfigureAwait(false);
            if (csvPath is not null)
            {
                json = CampaignFiles.AsImportTemplate(json, path);
            }

            json = CampaignFiles.AsRecurringTemplate(json, path, scheduleId);
            var spec = CampaignFiles.ValidOrThrow(json, path).Spec!;
            scheduleId = spec.CampaignId!;
            var campaigns = await context.CampaignsAsync().ConfigureAwait(false);
            await RefuseExistingAsync(campaigns, scheduleId, context).ConfigureAwait(false);
            if (csvPath is not null)
            {
                var report = await CsvImport.ImportAsync(context, scheduleId, csvPath, json).ConfigureAwait(false);
                CsvImport.RequireTargets(report, csvPath);
            }
            else if (spec.TargetsImported)
            {
                await RequireListAsync(context, scheduleId).ConfigureAwait(false);
            }

            using var document = JsonDocument.Parse(json);
            ScheduleHandle handle;
            try
            {
                handle = await campaigns.CreateScheduleAsync(document.RootElement.Clone(), parse.GetValue(cron)!, parse.GetValue(zone), context.Cancel).ConfigureAwait(false);
            }
            catch (CampaignRejectedException e)
            {
                throw new CliException(ExitCodes.Failed, e.Message + ": nothing was created", $"give the schedule another id (--id), or see it with campaigns schedule list", e);
            }
            catch (RpcException e) when (TemporalConnector.Explain(e, context.Settings) is { } explained)
            {
                throw explained;
            }
            catch (RpcException e) when (e.Code == RpcException.StatusCode.InvalidArgument)
            {
                throw new CliException(
                    ExitCodes.Invalid,
                    $"Temporal refused the schedule: {e.Message}; nothing was created",
                    "check --cron (five fields: minute hour day-of-month month day-of-week, e.g. \"0 9 * * MON\") and --time-zone (an IANA name)",
                    e);
            }

            var description = await handle.DescribeAsync(new() { CancellationToken = context.Cancel }).ConfigureAwait(false);
            context.Io.Console.MarkupLine(
                $"[green]created[/] schedule {Markup.Escape(scheduleId)}: cron \"{Markup.Escape(parse.GetValue(cron)!)}\" ({Markup.Escape(parse.GetValue(zone) ?? "UTC")}), " +
                $"task queue {Markup.Escape(context.Settings.TaskQueue)}; each run is the campaign {Markup.Escape(scheduleId)}-<yyyyMMddTHHmmss of its scheduled time, UTC>");
            foreach (var next in description.Info.NextActionTimes.Take(3))
            {
                var at = new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
                context.Io.Console.MarkupLine($"  next: {Time(next)} → campaign {Markup.Escape(ScheduledCampaigns.RunCampaignIdOf(scheduleId, at))}");
            }

            context.Io.Console.MarkupLine($"see it in the Web UI's Schedules page, or with: campaigns schedule list");
            return ExitCodes.Ok;
        });
    }

    private static Command ListCommand(CommandFactory factory)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array" };
        var command = new Command("list", "List the schedules of recurring campaigns") { json };
        return factory.WithAction(command, async (parse, context) =>
        {
            var campaigns = await context.CampaignsAsync().ConfigureAwait(false);
            var rows = new List<Row>();
            try
            {
                await foreach (var schedule in campaigns.ListSchedulesAsync(context.Cancel).ConfigureAwait(false))
                {
                    rows.Add(await Row.OfAsync(schedule).ConfigureAwait(false));
                }
            }
            catch (RpcException e) when (TemporalConnector.Explain(e, context.Settings) is { } explained)
            {
                throw explained;
            }

            rows.Sort((a, b) => string.CompareOrdinal(a.ScheduleId, b.ScheduleId));
            if (parse.GetValue(json))
            {
                await context.Io.Out.WriteLineAsync(JsonSerializer.Serialize(rows, CampaignJson.Options)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (rows.Count == 0)
            {
                context.Io.Console.MarkupLine("no schedules (create one with campaigns schedule create --cron \"…\" FILE)");
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("schedule", "cron", "state", "next run", "last run (campaign)");
            foreach (var row in rows)
            {
                var last = row.RecentRuns.Count > 0 ? row.RecentRuns[^1] : null;
                table.AddRow(
                    Markup.Escape(row.ScheduleId),
                    Markup.Escape(row.Cron is null ? "?" : row.Cron + (row.TimeZone is null ? string.Empty : $" ({row.TimeZone})")),
                    row.Paused ? "[yellow]paused[/]" : "[green]active[/]",
                    row.NextRuns.Count > 0 ? Time(row.NextRuns[0].UtcDateTime) : string.Empty,
                    last is null ? string.Empty : $"{Time(last.ScheduledAt.UtcDateTime)} ({Markup.Escape(last.CampaignId ?? last.WorkflowId)})");
            }

            context.Io.Console.Write(table);
            return ExitCodes.Ok;
        });
    }

    private static Command Simple(CommandFactory factory, string name, string description, Func<ScheduleHandle, string?, CancellationToken, Task> act, Func<string, string> done)
    {
        var id = new Argument<string>("ID") { Description = "The schedule's id" };
        var note = new Option<string?>("--note") { Description = "Why (shown with the schedule)" };
        var command = new Command(name, description) { id };
        if (name is "pause" or "unpause")
        {
            command.Options.Add(note);
        }

        return factory.WithAction(command, async (parse, context) =>
        {
            var scheduleId = ScheduleIds.Check(parse.GetValue(id)!);
            var campaigns = await context.CampaignsAsync().ConfigureAwait(false);
            try
            {
                var why = command.Options.Contains(note) ? parse.GetValue(note) : null;
                await act(campaigns.GetSchedule(scheduleId), why, context.Cancel).ConfigureAwait(false);
            }
            catch (RpcException e) when (TemporalConnector.Explain(e, context.Settings) is { } explained)
            {
                throw explained;
            }
            catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
            {
                throw new CliException(ExitCodes.Failed, $"{name} refused: there is no schedule {scheduleId}", "see the schedules with campaigns schedule list", e);
            }

            context.Io.Console.MarkupLine(done(Markup.Escape(scheduleId)));
            return ExitCodes.Ok;
        });
    }

    // A schedule id taken already: say so before anything is imported.
    private static async Task RefuseExistingAsync(CampaignClient campaigns, string scheduleId, CliContext context)
    {
        try
        {
            await campaigns.GetSchedule(scheduleId).DescribeAsync(new() { CancellationToken = context.Cancel }).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound && !e.Message.Contains("namespace", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        catch (RpcException e) when (TemporalConnector.Explain(e, context.Settings) is { } explained)
        {
            throw explained;
        }

        throw new CliException(ExitCodes.Failed, $"schedule {scheduleId} exists already: nothing was created", "give the schedule another id (--id), or delete the old one first (campaigns schedule delete ID)");
    }

    // targetsImported without --csv: every run copies the list imported under the schedule's id, which must hold targets.
    private static async Task RequireListAsync(CliContext context, string scheduleId)
    {
        var store = await context.StoreAsync().ConfigureAwait(false);
        if ((await store.GetProgressAsync(scheduleId, context.Cancel).ConfigureAwait(false)).Targets == 0)
        {
            throw new CliException(
                ExitCodes.Invalid,
                $"the schedule's list is empty: no targets imported under {scheduleId} in {context.StoreName}; nothing was created",
                $"import it first (campaigns import {scheduleId} --csv callees.csv), or give --csv here");
        }
    }

    private static string Time(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>One schedule in the list.</summary>
    internal sealed record Row(string ScheduleId, string? Cron, string? TimeZone, bool Paused, string? Note, IReadOnlyList<DateTimeOffset> NextRuns, IReadOnlyList<Run> RecentRuns)
    {
        public static async Task<Row> OfAsync(ScheduleListDescription schedule)
        {
            async Task<string?> MemoAsync(string key) =>
                schedule.Memo.TryGetValue(key, out var value) ? await value.ToValueAsync<string>().ConfigureAwait(false) : null;

            var runs = (schedule.Info?.RecentActions ?? []).Select(a =>
            {
                var workflowId = (a.Action as ScheduleActionExecutionStartWorkflow)?.WorkflowId ?? string.Empty;
                var campaignId = ScheduledCampaigns.TryParseRun(schedule.Id, workflowId, out var c, out _) ? c : null;
                return new Run(new DateTimeOffset(DateTime.SpecifyKind(a.ScheduledAt, DateTimeKind.Utc)), campaignId, workflowId);
            }).ToList();
            return new Row(
                schedule.Id,
                await MemoAsync(CampaignClient.CronMemo).ConfigureAwait(false),
                await MemoAsync(CampaignClient.TimeZoneMemo).ConfigureAwait(false),
                schedule.Schedule?.State.Paused ?? false,
                schedule.Schedule?.State.Note,
                [.. (schedule.Info?.NextActionTimes ?? []).Select(t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)))],
                runs);
        }
    }

    /// <summary>A run the schedule started: its scheduled time and its campaign.</summary>
    internal sealed record Run(DateTimeOffset ScheduledAt, string? CampaignId, string WorkflowId);
}

/// <summary>The schedule id rule: a campaign id short enough that its runs' ids (it adds -yyyyMMddTHHmmss) stay within 64.</summary>
internal static class ScheduleIds
{
    public static string Check(string id)
    {
        if (id.Length is 0 || id.Length > ScheduledCampaigns.MaxScheduleIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw new CliException(
                ExitCodes.Invalid,
                $"\"{id}\" is not a schedule id (1-{ScheduledCampaigns.MaxScheduleIdLength} of letters, digits, _ - and .: each run's campaign id adds -yyyyMMddTHHmmss)",
                "give a shorter id with --id");
        }

        return id;
    }
}
