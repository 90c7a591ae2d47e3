using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Validation;

/// <summary>
/// The campaign's calling window in each of its callees' zones (docs/callee-time-zones.md), as the workflow's dispatch
/// gate sees it: open while any zone's window is open, opening at the earliest opening, closing at the last close of
/// the zones open now. Which callee may be dialed is the worker's check at dial time (its own zone, and holidays): this
/// gate only keeps dispatch from running while nobody may be dialed. Deterministic: NodaTime's compiled-in TZDB.
/// </summary>
public sealed class CalleeWindows : ICallingWindow
{
    private readonly IReadOnlyList<CallingWindow> windows;

    private CalleeWindows(IReadOnlyList<CallingWindow> windows) => this.windows = windows;

    /// <summary>
    /// <paramref name="spec"/> in each of <paramref name="zones"/> (IANA ids, validated before); the window itself when
    /// the only zone is its own.
    /// </summary>
    public static ICallingWindow Of(CallingWindowSpec spec, IReadOnlyList<string> zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        var window = CallingWindow.Parse(spec, []) ?? throw new ArgumentException("the calling window is not valid", nameof(spec));
        var distinct = zones.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 0 || (distinct.Count == 1 && distinct[0] == window.ZoneId)
            ? window
            : new CalleeWindows([.. distinct.Select(z => window.In(z, []))]);
    }

    /// <inheritdoc />
    public bool IsOpen(DateTimeOffset instant) => windows.Any(w => w.IsOpen(instant));

    /// <inheritdoc />
    public DateTimeOffset ClosesAfter(DateTimeOffset instant)
    {
        var open = windows.Where(w => w.IsOpen(instant)).ToList();
        return open.Count == 0 ? instant : open.Max(w => w.ClosesAfter(instant));
    }

    /// <inheritdoc />
    public DateTimeOffset? OpensAfter(DateTimeOffset instant) =>
        windows.Select(w => w.OpensAfter(instant)).Where(o => o is not null).Min();

    /// <summary>For messages: the windows in words.</summary>
    public override string ToString() => string.Join("; ", windows.Select(w => w.ToString()));
}
