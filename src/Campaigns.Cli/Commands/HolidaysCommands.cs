using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Campaigns.Storage.Model;
using Spectre.Console;

namespace Campaigns.Cli.Commands;

/// <summary>
/// <c>holidays add|list|remove</c>: the app's restricted days in the store (docs/callee-time-zones.md). A holiday in
/// zone Z closes the whole local date in Z, for every campaign: to callees whose zone is Z, and to callees with no zone
/// when their campaign's calling window is in Z.
/// </summary>
internal static class HolidaysCommands
{
    public static Command Create(CommandFactory factory)
    {
        var holidays = new Command("holidays", "The app's holidays: local dates in a time zone when nobody in that zone is called, by any campaign");
        holidays.Subcommands.Add(Add(factory));
        holidays.Subcommands.Add(List(factory));
        holidays.Subcommands.Add(Remove(factory));
        return holidays;
    }

    private static (Argument<string> Date, Option<string> Zone) DateAndZone() => (
        new Argument<string>("DATE") { Description = "The local date, yyyy-MM-dd (e.g. 2027-01-01)" },
        new Option<string>("--zone") { Description = "The IANA time zone whose date it is (e.g. Asia/Shanghai)", Required = true });

    private static Command Add(CommandFactory factory)
    {
        var (date, zone) = DateAndZone();
        var command = new Command("add", "Add a holiday: no call on that local date to anyone called in that zone") { date, zone };
        return factory.WithAction(command, async (parse, context) =>
        {
            var holiday = Parse(parse.GetValue(date), parse.GetValue(zone), "add");
            var store = await context.StoreAsync().ConfigureAwait(false);
            var added = await store.AddHolidayAsync(holiday, context.Cancel).ConfigureAwait(false);
            context.Io.Console.MarkupLine(added
                ? $"holiday {Markup.Escape(Describe(holiday))} added ({Markup.Escape(context.StoreName)}); workers apply it within seconds, from their next dial on"
                : $"holiday {Markup.Escape(Describe(holiday))} was already there ({Markup.Escape(context.StoreName)}); nothing changed");
            return ExitCodes.Ok;
        });
    }

    private static Command Remove(CommandFactory factory)
    {
        var (date, zone) = DateAndZone();
        var command = new Command("remove", "Remove a holiday") { date, zone };
        return factory.WithAction(command, async (parse, context) =>
        {
            var holiday = Parse(parse.GetValue(date), parse.GetValue(zone), "remove");
            var store = await context.StoreAsync().ConfigureAwait(false);
            if (!await store.RemoveHolidayAsync(holiday, context.Cancel).ConfigureAwait(false))
            {
                throw new CliException(ExitCodes.Failed, $"no holiday {Describe(holiday)} ({context.StoreName}); nothing was removed", "see `campaigns holidays list`");
            }

            context.Io.Console.MarkupLine($"holiday {Markup.Escape(Describe(holiday))} removed ({Markup.Escape(context.StoreName)})");
            return ExitCodes.Ok;
        });
    }

    private static Command List(CommandFactory factory)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array of {date, timeZone, addedAt}" };
        var command = new Command("list", "List the holidays, by date") { json };
        return factory.WithAction(command, async (parse, context) =>
        {
            var store = await context.StoreAsync().ConfigureAwait(false);
            var holidays = await store.GetHolidaysAsync(context.Cancel).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                var shown = holidays.Select(h => new { Date = h.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), h.TimeZone, h.AddedAt });
                await context.Io.Out.WriteLineAsync(JsonSerializer.Serialize(shown, ListJson)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (holidays.Count == 0)
            {
                context.Io.Console.MarkupLine($"no holidays ({Markup.Escape(context.StoreName)})");
                return ExitCodes.Ok;
            }

            foreach (var h in holidays)
            {
                await context.Io.Out.WriteLineAsync(Describe(h)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
    }

    private static readonly JsonSerializerOptions ListJson = new(JsonSerializerDefaults.Web);

    private static Holiday Parse(string? date, string? zone, string verb)
    {
        var problems = new List<string>();
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            problems.Add($"DATE: \"{date}\" is not a date (yyyy-MM-dd, e.g. 2027-01-01)");
        }

        if (TimeZoneIds.Problem(zone) is { } problem)
        {
            problems.Add($"--zone: {problem}");
        }

        return problems.Count == 0
            ? new Holiday(day, zone!)
            : throw new CliException(ExitCodes.Invalid, $"the holiday was not {(verb == "add" ? "added" : "removed")}", $"campaigns holidays {verb} 2027-01-01 --zone Asia/Shanghai, for example") { Details = problems };
    }

    private static string Describe(Holiday holiday) => $"{holiday.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} in {holiday.TimeZone}";
}
