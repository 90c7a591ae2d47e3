using System.Diagnostics;

namespace Campaigns.Simulator.Calls;

/// <summary>
/// The simulator's clock: starts at the wall-clock time of start-up and runs <c>TimeScale</c> times
/// faster, so a 60 s ring fits in a fast test while records still show realistic durations.
/// </summary>
public sealed class VirtualClock(double timeScale)
{
    private readonly DateTimeOffset origin = DateTimeOffset.UtcNow;
    private readonly long started = Stopwatch.GetTimestamp();

    /// <summary>Simulated seconds per real second.</summary>
    public double TimeScale { get; } = timeScale > 0 ? timeScale : throw new ArgumentOutOfRangeException(nameof(timeScale), "Simulator:TimeScale must be positive");

    /// <summary>The simulated now.</summary>
    public DateTimeOffset Now => origin + (Stopwatch.GetElapsedTime(started) * TimeScale);
}
