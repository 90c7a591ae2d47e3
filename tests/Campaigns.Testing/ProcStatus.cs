using System.Globalization;

namespace Campaigns.Testing;

/// <summary>Reads a process's memory figures from /proc (Linux).</summary>
public static class ProcStatus
{
    /// <summary>Peak resident set size (VmHWM) of process <paramref name="pid"/> in bytes, or null when it cannot be read.</summary>
    public static long? PeakRssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>CPU time (user + system) process <paramref name="pid"/> has used so far, or null when it cannot be read.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15), in ticks of 1/100 s.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return TimeSpan.FromMilliseconds((long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) * 10);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
