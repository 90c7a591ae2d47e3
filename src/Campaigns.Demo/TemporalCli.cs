using System.Diagnostics;

namespace Campaigns.Demo;

/// <summary>Where the Temporal CLI (the dev server) comes from, and a line saying so.</summary>
/// <param name="Path">The executable; null: the SDK downloads the dev server.</param>
/// <param name="Source">Where it was found, for the user.</param>
public sealed record TemporalCli(string? Path, string Source)
{
    /// <summary>
    /// The CLI to run, in order: <c>TEMPORAL_CLI_PATH</c>; the project's offline copy in <c>../shared/tools/temporal</c>
    /// (its install.sh unpacks it into a cache folder); <c>temporal</c> on PATH; else none, and the SDK downloads one.
    /// </summary>
    public static async Task<TemporalCli> LocateAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("TEMPORAL_CLI_PATH") is { Length: > 0 } set && File.Exists(set))
        {
            return new TemporalCli(set, "TEMPORAL_CLI_PATH");
        }

        if (RepoRoot.Find() is { } root)
        {
            var installer = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, "..", "shared", "tools", "temporal", "install.sh"));
            if (File.Exists(installer) && await InstallAsync(installer, cancellationToken).ConfigureAwait(false) is { } installed)
            {
                return new TemporalCli(installed, installer);
            }
        }

        if (OnPath("temporal") is { } onPath)
        {
            return new TemporalCli(onPath, "PATH");
        }

        return new TemporalCli(null, "the Temporal SDK's download");
    }

    // install.sh prints TEMPORAL_CLI_PATH=… and TEMPORAL_TEST_SERVER_PATH=…; it keeps an intact install (≈1.5 s to check).
    private static async Task<string?> InstallAsync(string installer, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash", [installer]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start);
        if (process is null)
        {
            return null;
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var lines = (await stdout.ConfigureAwait(false)).Split('\n', StringSplitOptions.TrimEntries);
        _ = await stderr.ConfigureAwait(false);
        var path = lines.FirstOrDefault(l => l.StartsWith("TEMPORAL_CLI_PATH=", StringComparison.Ordinal))?["TEMPORAL_CLI_PATH=".Length..];
        return process.ExitCode == 0 && path is { Length: > 0 } && File.Exists(path) ? path : null;
    }

    private static string? OnPath(string name)
    {
        var names = OperatingSystem.IsWindows() ? [name + ".exe"] : new[] { name };
        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(n => System.IO.Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);
    }
}
