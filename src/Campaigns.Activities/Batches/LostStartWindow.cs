namespace Campaigns.Activities.Batches;

/// <summary>
/// When a call whose start answer was lost can have begun, if it was placed at all: its start request left
/// after the claim, and the vendor stamps the call's start while it handles that request. So the call began
/// within [claim − skew, claim + back-off + request timeout + skew], a few seconds of the app's record stream,
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
    /// Longest wait between the claim and the last send of a start: BatchRunner sends a start at most 8 times,
    /// 200 ms × 2^(n − 1) apart, when the vendor answers 101001 or a frequency limit (nothing placed), so the
    /// last one leaves at most 0.2 + 0.4 + … + 12.8 = 25.4 s of back-off after the first.
    /// </summary>
    public static readonly TimeSpan MaxStartBackOff = TimeSpan.FromMilliseconds(200 * ((1 << 7) - 1));

    /// <summary>
    /// The start times to search for the call of a start claimed at <paramref name="claimed"/> whose answer was lost,
    /// given the client's <paramref name="requestTimeout"/> (the longest a start request is in flight). A start
    /// whose refused tries were slow, or that waited long for the budget between them, can fall outside: the
    /// periodic unresolved sweep searches a wider range for those.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) Of(DateTimeOffset claimed, TimeSpan requestTimeout) =>
        (claimed - ClockSkew, claimed + MaxStartBackOff + requestTimeout + ClockSkew);
}
