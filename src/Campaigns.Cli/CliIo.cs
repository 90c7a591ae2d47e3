using Spectre.Console;

namespace Campaigns.Cli;

/// <summary>
/// Where the CLI writes and what environment it reads. The process uses the real console; tests pass
/// writers of their own and an environment of their own, and run many invocations in one process.
/// </summary>
public sealed class CliIo
{
    // Wide enough that no message (long paths included) is wrapped; tables take only the width they need.
    private const int WideWidth = 1000;

    /// <summary>Tables, live progress and messages.</summary>
    public required IAnsiConsole Console { get; init; }

    /// <summary>Raw standard output for machine-readable text (JSON, CSV): never wrapped or styled.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Errors and warnings.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Reads an environment variable (null when unset).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The process's console.</summary>
    public static CliIo FromSystemConsole()
    {
        var console = AnsiConsole.Console;
        if (System.Console.IsOutputRedirected)
        {
            // A pipe or a log has no width: do not wrap tables and lines at the fallback of 80 columns.
            console.Profile.Width = WideWidth;
        }

        return new CliIo { Console = console, Out = System.Console.Out, Error = System.Console.Error };
    }

    /// <summary>A plain console over <paramref name="output"/>: no colours, not interactive, wide enough for tables.</summary>
    public static CliIo Plain(TextWriter output, TextWriter error, Func<string, string?>? environment = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = WideWidth;
        return new CliIo
        {
            Console = console,
            Out = output,
            Error = error,
            Environment = environment ?? System.Environment.GetEnvironmentVariable,
        };
    }
}
