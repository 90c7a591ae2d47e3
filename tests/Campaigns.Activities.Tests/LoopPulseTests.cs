using Campaigns.Activities.Batches;

namespace Campaigns.Activities.Tests;

/// <summary>Heartbeats on progress: a loop that stops going round for longer than the bound reads as stalled.</summary>
public sealed class LoopPulseTests
{
    [Fact]
    public void NeverStarted_IsNotStalled_ALoopThatStopsGoingRound_IsStalledPastTheBound_AndRecoversOnItsNextTurn()
    {
        var time = new SteppedTimestamps();
        var pulse = new LoopPulse(time);

        Assert.False(pulse.IsStalled(BatchRunner.LoopStall)); // a loop not started yet: no batch waits on it
        pulse.Turn();
        time.Advance(BatchRunner.LoopStall - TimeSpan.FromSeconds(1));
        Assert.False(pulse.IsStalled(BatchRunner.LoopStall));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(pulse.IsStalled(BatchRunner.LoopStall));
        pulse.Turn();
        Assert.False(pulse.IsStalled(BatchRunner.LoopStall));
    }

    private sealed class SteppedTimestamps : TimeProvider
    {
        private long ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
    }
}
