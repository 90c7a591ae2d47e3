namespace Campaigns.Activities.Batches;

/// <summary>
/// When a call whose start answer was lost can have begun, if it was placed at all: its start request left
/// after the claim, and the vendor stamps the call's start while it handles that request. So the call began
/// within [claim − skew, claim + the stale-start fence + request timeout + skew], a few seconds of the app's record stream,
/// not the minutes since the claim: the record lookup by RoomId searches only that range.
/// </summary>
public static class LostStartWindow
{
    /// <summary>
    /// Room for disagreeing clocks: the worker stamps the claim, the vendor stamps the call's start (NTP keeps them
    /// well within this), and the vendor's filter works on whole seconds.
    /// </summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The start times to search for the call of a start claimed at <paramref name="claimed"/> whose answer was lost,
    /// given the client's <paramref name="requestTimeout"/> (the longest a start request is in flight). BatchRunner
    /// sends a start (and any retry after 101001) only while its claim is at most <see cref="BatchRunner.MaxClaimAge"/>
    /// old, timed from before the claim was asked: whatever the back-off, the budget waits or a stalled process,
    /// the last send left by claim + MaxClaimAge.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) Of(DateTimeOffset claimed, TimeSpan requestTimeout) =>
        (claimed - ClockSkew, claimed + BatchRunner.MaxClaimAge + requestTimeout + ClockSkew);
}
