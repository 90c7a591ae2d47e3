using System.Globalization;

namespace Campaigns.Demo;

/// <summary>The demo's command line: <c>[--callees N] [--keep-running]</c>.</summary>
public sealed record DemoOptions
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: dotnet run --project src/Campaigns.Demo [-- [--callees N] [--keep-running]]";

    /// <summary>Default campaign size.</summary>
    public const int DefaultCallees = 300;

    /// <summary>Callees in the sample campaign.</summary>
    public int Callees { get; init; } = DefaultCallees;

    /// <summary>Leave the dev server and its Web UI up after the campaign until Ctrl-C.</summary>
    public bool KeepRunning { get; init; }

    /// <summary>Only print the usage.</summary>
    public bool Help { get; init; }

    /// <summary>Parses the arguments; a bad one is an <see cref="ArgumentException"/> naming it and the rule.</summary>
    public static DemoOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new DemoOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
            switch (name)
            {
                case "--callees":
                    var value = inline ?? (i + 1 < args.Count ? args[++i] : null)
                        ?? throw new ArgumentException($"--callees needs a number ({SampleCampaign.MinCallees}-{SampleCampaign.MaxCallees})");
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var callees)
                        || callees is < SampleCampaign.MinCallees or > SampleCampaign.MaxCallees)
                    {
                        throw new ArgumentException(
                            $"--callees: \"{value}\" must be a whole number from {SampleCampaign.MinCallees} to {SampleCampaign.MaxCallees}");
                    }

                    options = options with { Callees = callees };
                    break;
                case "--keep-running" when inline is null:
                    options = options with { KeepRunning = true };
                    break;
                case "-h" or "--help" or "-?" when inline is null:
                    options = options with { Help = true };
                    break;
                default:
                    throw new ArgumentException($"unknown argument \"{args[i]}\"");
            }
        }

        return options;
    }
}
