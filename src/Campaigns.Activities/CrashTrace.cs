using System.Diagnostics;

namespace Campaigns.Activities;

/// <summary>TEMPORARY (crash-loop measurement): one line per milestone of a worker's life, on stderr.</summary>
public static class CrashTrace
{
    private static readonly DateTime ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
    private static int firstStart;

    /// <summary>Writes a milestone.</summary>
    public static void Mark(string what)
    {
        if (Environment.GetEnvironmentVariable("CAMPAIGNS_CRASHTRACE") is not "1")
        {
            return;
        }

        var now = DateTime.UtcNow;
        Console.Error.WriteLine($"CRASHTRACE pid={Environment.ProcessId} t={(now - ProcessStart).TotalMilliseconds:F0} utc={new DateTimeOffset(now).ToUnixTimeMilliseconds()} {what}");
    }

    /// <summary>The first start this process sends.</summary>
    public static void StartSent()
    {
        if (Interlocked.Exchange(ref firstStart, 1) == 0)
        {
            Mark("first-start-sent");
        }
    }
}
