using System.CommandLine;
using Spectre.Console;

namespace Campaigns.Cli.Commands;

/// <summary><c>validate FILE</c>: the workflow's own validator, every problem by its JSON path; connects to nothing.</summary>
internal static class ValidateCommand
{
    public static Command Create(CommandFactory factory)
    {
        var file = new Argument<string>("FILE") { Description = "The campaign JSON file" };
        var command = new Command("validate", "Check a campaign file with the workflow's own validator (connects to nothing)") { file };
        return factory.WithAction(command, async (parse, context) =>
        {
            var path = parse.GetValue(file)!;
            var json = await CampaignFiles.ReadTextAsync(path, "the campaign file", context.Cancel).ConfigureAwait(false);
            var spec = CampaignFiles.ValidOrThrow(json, path).Spec!;
            var targets = spec.TargetsImported
                ? "targets imported into the store beforehand (targetsImported)"
                : $"{(spec.Callees?.Count ?? 0) + (spec.Groups?.Count ?? 0)} targets inline ({Count(spec.Callees?.Count ?? 0, "callee")}, {Count(spec.Groups?.Count ?? 0, "group call")})";
            context.Io.Console.MarkupLine($"[green]valid[/]: {Markup.Escape(path)}: campaign {Markup.Escape(spec.CampaignId!)}, {Markup.Escape(targets)}");
            return ExitCodes.Ok;
        });
    }

    private static string Count(int n, string what) => $"{n} {what}{(n == 1 ? string.Empty : "s")}";
}
