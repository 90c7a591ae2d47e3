using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Campaigns.Storage;
using Campaigns.Storage.Csv;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Spectre.Console;

namespace Campaigns.Cli.Commands;

/// <summary><c>dnc add|remove|list</c>: the do-not-call list in the store (a callee on it is never dialed: Skipped).</summary>
internal static class DncCommands
{
    public static Command Create(CommandFactory factory)
    {
        var dnc = new Command("dnc", "The do-not-call list: callees never dialed by any campaign");
        dnc.Subcommands.Add(Add(factory));
        dnc.Subcommands.Add(Remove(factory));
        dnc.Subcommands.Add(List(factory));
        return dnc;
    }

    private static Command Add(CommandFactory factory)
    {
        var callees = new Argument<string[]>("CALLEE") { Description = "Callee ids", Arity = ArgumentArity.ZeroOrMore };
        var csv = new Option<string?>("--csv") { Description = "Also every callee of this CSV (as `import` reads it)" };
        var reason = new Option<string?>("--reason") { Description = "Why (kept with the entry)" };
        var command = new Command("add", "Add callees to the do-not-call list") { callees, csv, reason };
        return factory.WithAction(command, async (parse, context) =>
        {
            var ids = Checked(parse.GetValue(callees) ?? []);
            if (parse.GetValue(csv) is { } path)
            {
                using var reader = CampaignFiles.OpenCsv(path);
                var file = CalleeCsvReader.Read(reader);
                if (file.Rejected.Count > 0)
                {
                    throw new CliException(ExitCodes.Invalid, $"{path}: {file.Rejected.Count} of {file.Rows} rows rejected; nothing was added", "fix the lines listed above")
                    {
                        Details = [.. file.Rejected.Take(50).Select(r => $"line {r.Line}: {r.Reason}")],
                    };
                }

                ids.AddRange(file.Accepted.SelectMany(r => r.Callees));
            }

            if (ids.Count == 0)
            {
                throw new CliException(ExitCodes.Invalid, "no callee given", "campaigns dnc add alice bob, or --csv FILE");
            }

            var store = await context.StoreAsync().ConfigureAwait(false);
            await store.AddDoNotCallAsync(ids, parse.GetValue(reason), context.Cancel).ConfigureAwait(false);
            context.Io.Console.MarkupLine($"{ids.Distinct(StringComparer.Ordinal).Count()} callees on the do-not-call list ({Markup.Escape(context.StoreName)}); campaigns skip them from their next dial on");
            return ExitCodes.Ok;
        });
    }

    private static Command Remove(CommandFactory factory)
    {
        var callees = new Argument<string[]>("CALLEE") { Description = "Callee ids", Arity = ArgumentArity.OneOrMore };
        var command = new Command("remove", "Remove callees from the do-not-call list") { callees };
        return factory.WithAction(command, async (parse, context) =>
        {
            var ids = Checked(parse.GetValue(callees)!);
            var store = await context.StoreAsync().ConfigureAwait(false);
            var present = await store.FindDoNotCallAsync(ids, context.Cancel).ConfigureAwait(false);
            await store.RemoveDoNotCallAsync(ids, context.Cancel).ConfigureAwait(false);
            var absent = ids.Where(i => !present.Contains(i)).Distinct(StringComparer.Ordinal).ToList();
            context.Io.Console.MarkupLine($"removed {present.Count} callees from the do-not-call list" +
                (absent.Count > 0 ? $" ({Markup.Escape(string.Join(", ", absent))} were not on it)" : string.Empty));
            return ExitCodes.Ok;
        });
    }

    private static Command List(CommandFactory factory)
    {
        var callees = new Argument<string[]>("CALLEE") { Description = "Only these callees (default: the whole list)", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<bool>("--json") { Description = "Print a JSON array" };
        var command = new Command("list", "List the do-not-call list (or which of the given callees are on it)") { callees, json };
        return factory.WithAction(command, async (parse, context) =>
        {
            var only = Checked(parse.GetValue(callees) ?? []).ToHashSet(StringComparer.Ordinal);
            var store = await context.StoreAsync().ConfigureAwait(false);
            var entries = new List<DoNotCallEntry>();
            string? after = null;
            while (true)
            {
                var page = await store.GetDoNotCallAsync(after, 1000, context.Cancel).ConfigureAwait(false);
                entries.AddRange(only.Count == 0 ? page : page.Where(e => only.Contains(e.Callee)));
                if (page.Count < 1000)
                {
                    break;
                }

                after = page[^1].Callee;
            }

            if (parse.GetValue(json))
            {
                await context.Io.Out.WriteLineAsync(JsonSerializer.Serialize(entries, CampaignJson.Options)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("callee", "reason", "added");
            foreach (var entry in entries)
            {
                table.AddRow(Markup.Escape(entry.Callee), Markup.Escape(entry.Reason ?? string.Empty), entry.AddedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }

            context.Io.Console.Write(table);
            context.Io.Console.MarkupLine($"{entries.Count} callees on the do-not-call list");
            return ExitCodes.Ok;
        });
    }

    /// <summary>Normalised and checked by the vendor's rule (as the store keeps them); a bad id changes nothing.</summary>
    private static List<string> Checked(IEnumerable<string> ids)
    {
        var result = new List<string>();
        foreach (var raw in ids)
        {
            var id = CalleeId.Normalize(raw.Trim());
            if (CalleeId.Problem(id) is { } problem)
            {
                throw new CliException(ExitCodes.Invalid, problem + "; nothing was changed", "callee ids are at most 32 bytes of letters, digits, _ and -");
            }

            result.Add(id);
        }

        return result;
    }
}
