using System.Diagnostics;

namespace Campaigns.Workflows.Tests;

/// <summary>The worker as a real process (the built Campaigns.Worker), so a test can SIGKILL it.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process process;

    private WorkerProcess(Process process) => this.process = process;

    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> config)
    {
        var dll = BuiltDll("Campaigns.Worker");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in config)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process);
    }

    /// <summary>A program's own build output (its deps.json), as a user runs it: tests/run.sh builds the solution first.</summary>
    public static string BuiltDll(string project)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Campaigns.sln")))
        {
            root = root.Parent;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // Release or Debug
        return Path.Combine(root!.FullName, "src", project, "bin", configuration, "net10.0", project + ".dll");
    }

    /// <summary>SIGKILL: no graceful shutdown, no chance to store anything.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Kill();
        }

        process.Dispose();
    }
}
