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
}
