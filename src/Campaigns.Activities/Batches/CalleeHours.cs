using System.Collections.Concurrent;
using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Campaigns.Activities.Batches;

/// <summary>
/// Whether a target may be dialed now in its own local time (docs/callee-time-zones.md): the campaign's calling window
/// in the callee's zone (the window's own zone when the callee has none), closed on the app's holidays in that zone. A
/// campaign with no window is closed only on holidays, in the callee's zone (a callee with no zone then has none to
/// apply). The holidays are read from the store at most every <see cref="ContactPolicyOptions.RefreshSeconds"/>, like
/// the contact policy, so a holiday added while a campaign runs holds from the workers' next dials.
/// </summary>
public sealed class CalleeHours(IOutcomeStore store, IOptions<CampaignWorkerOptions> options, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim reading = new(1, 1);
    private Snapshot? last; // a reference: read and replaced whole by any thread

    /// <summary>Null when <paramref name="target"/> may be dialed now, else when its window next opens.</summary>
    public async ValueTask<DateTimeOffset?> ClosedUntilAsync(CampaignSpec spec, Target target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(target);
        var zone = target.TimeZone ?? spec.CallingWindow?.TimeZone;
        if (zone is null)
        {
            return null; // no window and no zone: any time
        }

        var snapshot = await HolidaysAsync(cancellationToken).ConfigureAwait(false);
        var window = snapshot.WindowFor(spec.CallingWindow, zone);
        var now = time.GetUtcNow();
        if (window is null || window.IsOpen(now))
        {
            return null;
        }

        // No opening within a year (every day a holiday): look again in a day rather than never.
        return window.OpensAfter(now) ?? now + TimeSpan.FromDays(1);
    }

    private async ValueTask<Snapshot> HolidaysAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        // One read at a time: the attempts of every batch ask at once when the cached list expires.
        await reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } again)
            {
                return again;
            }

            var holidays = await store.GetHolidaysAsync(cancellationToken).ConfigureAwait(false);
            var snapshot = new Snapshot(holidays, time.GetUtcNow());
            last = snapshot;
            return snapshot;
        }
        finally
        {
            reading.Release();
        }
    }

    private Snapshot? Fresh() => last is { } l && time.GetUtcNow() - l.ReadAt < options.Value.ContactPolicy.Refresh ? l : null;

    /// <inheritdoc />
    public void Dispose() => reading.Dispose();

    // The holidays as read, and the windows built from them (per campaign window and zone: parsed once, not per dial).
    private sealed class Snapshot(IReadOnlyList<Holiday> holidays, DateTimeOffset readAt)
    {
        private readonly ILookup<string, LocalDate> byZone = holidays.ToLookup(h => h.TimeZone, h => LocalDate.FromDateOnly(h.Date), StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, CallingWindow?> windows = new(StringComparer.Ordinal);

        public DateTimeOffset ReadAt { get; } = readAt;

        public CallingWindow? WindowFor(CallingWindowSpec? spec, string zone)
        {
            var key = spec is null ? zone : string.Join('|', zone, spec.TimeZone, spec.Start, spec.End, string.Join(',', spec.Days), string.Join(',', spec.ExcludedDates));
            return windows.GetOrAdd(key, _ =>
            {
                var closed = byZone[zone];
                if (spec is null)
                {
                    return closed.Any() ? CallingWindow.AllDay(zone, closed) : null;
                }

                return CallingWindow.Parse(spec, [])?.In(zone, closed);
            });
        }
    }
}
