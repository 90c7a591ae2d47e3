namespace Campaigns.Simulator.Callbacks;

/// <summary>
/// Decides how one callback travels: not at all (lost), once, or twice (duplicated), each copy with its
/// own delay, some held back so that later events overtake them (reordered). Seeded, so a sequence of
/// events gets the same fates run after run.
/// </summary>
public sealed class CallbackPlanner(SimulatorOptions options)
{
    private readonly Random random = new(options.Seed ^ 0x5EED_CA11);
    private readonly Lock gate = new();

    /// <summary>The delays (simulated) after the event at which copies of its callback leave; empty when lost.</summary>
    public IReadOnlyList<TimeSpan> Plan()
    {
        var o = options.Callbacks;
        lock (gate)
        {
            if (random.NextDouble() < o.LossRate)
            {
                return [];
            }

            var copies = random.NextDouble() < o.DuplicateRate ? 2 : 1;
            var delays = new List<TimeSpan>(copies);
            for (var i = 0; i < copies; i++)
            {
                var min = Math.Max(0, o.DelayMinSeconds);
                var seconds = min + (random.NextDouble() * Math.Max(0, o.DelayMaxSeconds - min));
                if (random.NextDouble() < o.ReorderRate)
                {
                    seconds += Math.Max(0, o.ReorderDelaySeconds);
                }

                delays.Add(TimeSpan.FromSeconds(Math.Min(seconds, 86_400)));
            }

            return delays;
        }
    }
}
