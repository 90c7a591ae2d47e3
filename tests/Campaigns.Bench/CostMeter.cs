using System.Diagnostics;
using System.Globalization;

namespace Campaigns.Bench;

/// <summary>
/// What a stretch of work cost, beyond wall time (which a shared 2-core machine makes noisy): this
/// process's CPU time, the PostgreSQL server's CPU time (the throwaway cluster's processes, found through
/// <c>CAMPAIGNS_TEST_PGDATA</c>; Linux only) and the commands Npgsql sent (each one round trip).
/// </summary>
internal sealed class CostMeter : IDisposable
{
    private readonly ActivityListener listener;
    private readonly TimeSpan clientStart;
    private readonly TimeSpan? serverStart;
    private long commands;

    public CostMeter(bool countRoundTrips, bool postgres = true)
    {
        // Npgsql starts an Activity per command (or batch) when someone listens: counting them counts round trips.
        listener = new ActivityListener
        {
            ShouldListenTo = source => countRoundTrips && source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStarted = _ => Interlocked.Increment(ref commands),
        };
        ActivitySource.AddActivityListener(listener);
        clientStart = Process.GetCurrentProcess().TotalProcessorTime;
        serverStart = postgres ? ServerCpu() : null;
    }

    /// <summary>Npgsql commands (round trips) so far, when counting.</summary>
    public long RoundTrips => Interlocked.Read(ref commands);

    /// <summary>"client N µs, PostgreSQL N µs" of CPU per call, for <paramref name="calls"/> calls.</summary>
    public string CpuPerCall(int calls)
    {
        var client = (Process.GetCurrentProcess().TotalProcessorTime - clientStart).TotalMicroseconds / calls;
        var server = ServerCpu() is { } now && serverStart is { } start ? (now - start).TotalMicroseconds / calls : (double?)null;
        return string.Create(CultureInfo.InvariantCulture, $"CPU per call: client {client:F0} µs{(server is { } s ? $", PostgreSQL {s:F0} µs" : string.Empty)}");
    }

    public void Dispose() => listener.Dispose();

    // utime + stime of the postmaster and its children (backends, background workers), and of its children that have
    // exited, in clock ticks (100 Hz).
    internal static TimeSpan? ServerCpu()
    {
        var data = Environment.GetEnvironmentVariable("CAMPAIGNS_TEST_PGDATA");
        try
        {
            if (data is null || !OperatingSystem.IsLinux() || !int.TryParse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), out var postmaster))
            {
                return null;
            }

            long ticks = 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid))
                {
                    continue;
                }

                try
                {
                    // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15).
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    if (pid == postmaster || int.Parse(f[1], CultureInfo.InvariantCulture) == postmaster)
                    {
                        ticks += long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
                        if (pid == postmaster)
                        {
                            // cutime + cstime: backends that have exited (a pool closing idle connections) count too.
                            ticks += long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture);
                        }
                    }
                }
                catch (IOException)
                {
                    // The process ended meanwhile.
                }
            }

            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
