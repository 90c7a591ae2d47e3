using System.Collections.Concurrent;
using System.Diagnostics;

namespace Campaigns.Testing;

/// <summary>
/// The worker as a real process (the built Campaigns.Worker), so a test can SIGKILL it, read its peak memory
/// and search what it logged.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process process;

    private WorkerProcess(Process process, ConcurrentQueue<string> output)
    {
        this.process = process;
        Output = output;
    }

    /// <summary>The process id (for /proc).</summary>
    public int Id => process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Every line the process wrote to stdout and stderr so far.</summary>
    public ConcurrentQueue<string> Output { get; }

    /// <summary>
    /// Starts the worker with <paramref name="config"/> as environment variables (<c>A:B</c> becomes <c>A__B</c>);
    /// they outrank the TEMPORAL_* variables the test process may carry for another server.
    /// </summary>
    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var start = new ProcessStartInfo("dotnet", [BuiltDll("Campaigns.Worker")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        // The tests run the workflow under the SDK's tracing listener (off by default in production for its cost,
        // see TemporalOptions.WorkflowTracingEventListener): a workflow scheduling a task wrongly fails here.
        start.Environment["Temporal__WorkflowTracingEventListener"] = "true";
        foreach (var (key, value) in config)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var output = new ConcurrentQueue<string>();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, output);
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

    /// <summary>Peak resident set size so far (VmHWM), in bytes; null once the process has ended.</summary>
    public long? PeakRssBytes() => ProcStatus.PeakRssBytes(process.Id);

    /// <summary>SIGKILL: no graceful shutdown, no chance to store anything.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!process.HasExited)
        {
            Kill();
        }

        process.Dispose();
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        // Bounded: a long benchmark must not grow the test process with the worker's log.
        if (line is not null && output.Count < 200_000)
        {
            output.Enqueue(line);
        }
    }
}
