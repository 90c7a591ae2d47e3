using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Campaigns.Deployment.Tests;

/// <summary>The shell scripts of the compose file's one-shot services, run here as compose would run them.</summary>
internal static class Scripts
{
    /// <summary>A one-shot service's script: its entrypoint is <c>/bin/sh -c</c>, its command the script, with compose's <c>$$</c> escape undone.</summary>
    public static string Of(YamlMappingNode service)
    {
        Assert.Equal(["/bin/sh", "-c"], Compose.List(service, "entrypoint"));
        return Compose.List(service, "command").Single().Replace("$$", "$", StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="file"/> with exactly <paramref name="env"/> (and HOME) in its environment; output and error together.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        start.Environment["HOME"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
