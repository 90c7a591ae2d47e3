using System.Diagnostics;

namespace Campaigns.Testing;

/// <summary>The Temporal CLI (TEMPORAL_CLI_PATH, installed by tests/services.sh), run as an operator runs it.</summary>
public static class TemporalCli
{
    /// <summary>The CLI's path; fails loudly (never skips) when it is not set.</summary>
    public static string Path => Environment.GetEnvironmentVariable("TEMPORAL_CLI_PATH") is { Length: > 0 } path ? path
        : throw new InvalidOperationException("TEMPORAL_CLI_PATH is not set: run with 'bash tests/run.sh', which installs the Temporal CLI");

    /// <summary>Runs <c>temporal args…</c> and returns its exit code, stdout and stderr.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
