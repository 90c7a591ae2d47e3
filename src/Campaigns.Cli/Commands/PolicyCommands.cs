using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;
using Spectre.Console;

namespace Campaigns.Cli.Commands;

/// <summary>
/// <c>policy set|show|clear</c>: the app's contact policy in the store (docs/contact-policy.md): at most N attempts
/// per callee per rolling day / week / 30 days, counted over every campaign. A campaign's <c>contactPolicy</c> may
/// only tighten it.
/// </summary>
internal static class PolicyCommands
{
    public static Command Create(CommandFactory factory)
    {
        var policy = new Command("policy", "The contact policy: at most N attempts per callee per day / week / 30 days, over every campaign");
        policy.Subcommands.Add(Set(factory));
        policy.Subcommands.Add(Show(factory));
        policy.Subcommands.Add(Clear(factory));
        return policy;
    }

    private static Command Set(CommandFactory factory)
    {
        var perDay = new Option<int?>("--per-day") { Description = "Attempts per callee in any rolling day (1-1000)" };
        var perWeek = new Option<int?>("--per-week") { Description = "Attempts per callee in any rolling 7 days (1-1000)" };
        var per30Days = new Option<int?>("--per-30-days") { Description = "Attempts per callee in any rolling 30 days (1-1000)" };
        var command = new Command("set", "Set the contact policy (replacing it: a limit not given is no limit)") { perDay, perWeek, per30Days };
        return factory.WithAction(command, async (parse, context) =>
        {
            var (day, week, month) = (parse.GetValue(perDay), parse.GetValue(perWeek), parse.GetValue(per30Days));
            var problems = new List<string>();
            var options = new Dictionary<string, string> { ["perDay"] = "--per-day", ["perWeek"] = "--per-week", ["per30Days"] = "--per-30-days" };
            ContactPolicyRules.Check(day, week, month, name => options[name], "policy set", problems);
            if (problems.Count > 0)
            {
                throw new CliException(ExitCodes.Invalid, "the contact policy was not changed", "campaigns policy set --per-day 1 --per-week 3, for example") { Details = problems };
            }

            var store = await context.StoreAsync().ConfigureAwait(false);
            var policy = new ContactPolicy { PerDay = day, PerWeek = week, Per30Days = month };
            await store.SetContactPolicyAsync(policy, context.Cancel).ConfigureAwait(false);
            context.Io.Console.MarkupLine(
                $"contact policy ({Markup.Escape(context.StoreName)}): at most {Markup.Escape(policy.ToString())} per callee, over every campaign; " +
                "workers apply it within seconds, from their next dial on");
            return ExitCodes.Ok;
        });
    }

    private static Command Show(CommandFactory factory)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON object (null when no policy is set)" };
        var command = new Command("show", "Show the contact policy") { json };
        return factory.WithAction(command, async (parse, context) =>
        {
            var store = await context.StoreAsync().ConfigureAwait(false);
            var policy = await store.GetContactPolicyAsync(context.Cancel).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                // Every limit named, null when not set: a script reads the same keys whatever the policy.
                var shown = policy is null ? null : new { policy.PerDay, policy.PerWeek, policy.Per30Days, policy.UpdatedAt };
                await context.Io.Out.WriteLineAsync(JsonSerializer.Serialize(shown, ShowJson)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            context.Io.Console.MarkupLine(policy is null
                ? $"no contact policy ({Markup.Escape(context.StoreName)}): callees are capped only by a campaign's own contactPolicy"
                : $"contact policy ({Markup.Escape(context.StoreName)}): at most {Markup.Escape(policy.ToString())} per callee, over every campaign " +
                  $"(set {policy.UpdatedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)})");
            return ExitCodes.Ok;
        });
    }

    private static readonly JsonSerializerOptions ShowJson = new(JsonSerializerDefaults.Web);

    private static Command Clear(CommandFactory factory)
    {
        var command = new Command("clear", "Remove the contact policy (a campaign's own contactPolicy still holds)");
        return factory.WithAction(command, async (_, context) =>
        {
            var store = await context.StoreAsync().ConfigureAwait(false);
            await store.SetContactPolicyAsync(null, context.Cancel).ConfigureAwait(false);
            context.Io.Console.MarkupLine($"contact policy cleared ({Markup.Escape(context.StoreName)}): callees are capped only by a campaign's own contactPolicy");
            return ExitCodes.Ok;
        });
    }

    /// <summary>
    /// Refuses a campaign whose <c>contactPolicy</c> is looser than the app's, when a store is configured to check
    /// against (the worker clamps it anyway: the stricter value holds at dial time).
    /// </summary>
    public static async Task RefuseLooserAsync(CliContext context, CampaignSpec spec, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.ContactPolicy is not { } own || string.IsNullOrWhiteSpace(context.Settings.Store))
        {
            return;
        }

        var store = await context.StoreAsync().ConfigureAwait(false);
        var app = await store.GetContactPolicyAsync(context.Cancel).ConfigureAwait(false);
        var looser = app?.LooserIn(new ContactPolicy { PerDay = own.PerDay, PerWeek = own.PerWeek, Per30Days = own.Per30Days }) ?? [];
        if (looser.Count > 0)
        {
            throw new CliException(
                ExitCodes.Invalid,
                $"{path} loosens the app's contact policy ({app}); a campaign may only tighten it: nothing was started",
                "lower each value named above to at most the app's, or leave it out (see `campaigns policy show`)")
            {
                Details = [.. looser.Select(l => $"$.contactPolicy.{l.Limit}: {l.Campaign} is more than the app's {l.App}")],
            };
        }
    }
}
