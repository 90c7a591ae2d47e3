using Campaigns.Activities.Watching;

namespace Campaigns.Activities.Tests;

/// <summary>A call adopted from an earlier execution is first polled a first-poll delay after it was placed, not after now.</summary>
public sealed class CallWatcherFirstPollTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FirstPoll = TimeSpan.FromSeconds(2);

    [Fact]
    public void AFreshCall_IsPolledAFirstPollDelayFromNow() =>
        Assert.Equal(Now + FirstPoll, CallWatcher.FirstPollAt(Now, FirstPoll, placedAt: null));

    [Fact]
    public void ACallPlacedLongAgo_IsPolledNow() =>
        Assert.Equal(Now, CallWatcher.FirstPollAt(Now, FirstPoll, Now - TimeSpan.FromSeconds(30)));

    [Fact]
    public void ACallPlacedMomentsAgo_IsPolledAFirstPollDelayAfterItWasPlaced() =>
        Assert.Equal(Now + TimeSpan.FromSeconds(1.5), CallWatcher.FirstPollAt(Now, FirstPoll, Now - TimeSpan.FromSeconds(0.5)));

    [Fact]
    public void APlacedTimeAheadOfThisClock_NeverPutsTheFirstPollOff() =>
        Assert.Equal(Now + FirstPoll, CallWatcher.FirstPollAt(Now, FirstPoll, Now + TimeSpan.FromSeconds(5)));
}
