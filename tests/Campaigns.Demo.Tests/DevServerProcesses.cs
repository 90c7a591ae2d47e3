namespace Campaigns.Demo.Tests;

/// <summary>Temporal dev server processes still alive on this machine, found by their command line (/proc).</summary>
internal static class DevServerProcesses
{
    /// <summary>Pids of <c>temporal server start-dev</c> processes listening on <paramref name="port"/>.</summary>
    public static IReadOnlyList<int> OnPort(int port)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string[] args;
            try
            {
                args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
            }
            catch (IOException)
            {
                continue; // the process ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            var portAt = Array.IndexOf(args, "--port");
            if (args.Contains("start-dev") && portAt >= 0 && portAt + 1 < args.Length && args[portAt + 1] == port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>The process group of <paramref name="pid"/> (field 5 of /proc/PID/stat, after the command name in parentheses).</summary>
    public static int ProcessGroupOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture); // state, ppid, pgrp
    }

    /// <summary>Waits (bounded) until no dev server listens on <paramref name="port"/>; fails naming the pids left.</summary>
    public static async Task GoneAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (OnPort(port) is { Count: > 0 } left)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Temporal dev server processes on port {port} outlived the demo: pids {string.Join(", ", left)}");
            }

            await Task.Delay(200);
        }
    }
}
