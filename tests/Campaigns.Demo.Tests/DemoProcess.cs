using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Campaigns.Demo.Tests;

/// <summary>The built demo run as a user runs it: <c>dotnet Campaigns.Demo.dll …</c>, its output captured line by line.</summary>
internal sealed partial class DemoProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly Lock gate = new();

    private DemoProcess(Process process) => this.process = process;

    public int Id => process.Id;

    public string Output
    {
        get
        {
            lock (gate)
            {
                return output.ToString();
            }
        }
    }

    public static DemoProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [BuiltDll(), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // no terminal: the demo prints plain progress lines
        };
        var demo = new DemoProcess(Process.Start(start)!);
        demo.process.OutputDataReceived += (_, e) => demo.Append(e.Data);
        demo.process.ErrorDataReceived += (_, e) => demo.Append(e.Data);
        demo.process.BeginOutputReadLine();
        demo.process.BeginErrorReadLine();
        return demo;
    }

    /// <summary>The demo's own build output, as tests/run.sh builds it (Release or Debug, like this test).</summary>
    public static string BuiltDll()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Campaigns.sln")))
        {
            root = root.Parent;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(root!.FullName, "src", "Campaigns.Demo", "bin", configuration, "net10.0", "Campaigns.Demo.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first (tests/run.sh does)");
        return dll;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The demo did not exit within {timeout.TotalSeconds} s; its output:\n{Output}");
        }

        process.WaitForExit(); // drains the output
        return process.ExitCode;
    }

    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.False(process.HasExited, $"The demo exited ({process.ExitCode}) before printing \"{text}\"; its output:\n{Output}");
            Assert.True(DateTime.UtcNow < deadline, $"The demo did not print \"{text}\" within {timeout.TotalSeconds} s; its output:\n{Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Ctrl-C, as a terminal sends it, to the demo only: its children must be stopped by the demo itself. A process
    /// started in the background by a non-interactive shell inherits SIGINT ignored (POSIX), and so would the demo
    /// started from it; then SIGTERM, which the demo handles the same way, stands in. Returns the signal sent.
    /// </summary>
    public string Interrupt()
    {
        var signal = SignalIgnored(2) ? "TERM" : "INT";
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        return "SIG" + signal;
    }

    private bool SignalIgnored(int signal)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        var mask = Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16);
        return (mask & (1UL << (signal - 1))) != 0;
    }

    /// <summary>The frontend port of the dev server the demo started (from its "Temporal dev server on 127.0.0.1:PORT" line).</summary>
    public int DevServerPort()
    {
        var match = DevServerLine().Match(Output);
        Assert.True(match.Success, "No \"Temporal dev server on 127.0.0.1:PORT\" line in the output:\n" + Output);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The run's own folder (from its "removed /tmp/campaigns-demo-…" line).</summary>
    public string RunFolder()
    {
        var match = RemovedLine().Match(Output);
        Assert.True(match.Success, "No \"removed <folder>\" line in the output:\n" + Output);
        return match.Groups[1].Value;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"Temporal dev server on 127\.0\.0\.1:(\d+)")]
    private static partial Regex DevServerLine();

    [GeneratedRegex(@"removed (\S+campaigns-demo-\w+)\.")]
    private static partial Regex RemovedLine();
}
