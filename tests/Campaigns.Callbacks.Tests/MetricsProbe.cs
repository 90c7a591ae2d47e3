using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Campaigns.Callbacks.Tests;

/// <summary>Sums the receiver's counters while it lives, by instrument and tag value.</summary>
internal sealed class MetricsProbe : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> sums = new(StringComparer.Ordinal);

    public MetricsProbe()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CallbackMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            sums.AddOrUpdate(instrument.Name, value, (_, v) => v + value);
            foreach (var tag in tags)
            {
                sums.AddOrUpdate($"{instrument.Name}/{tag.Value}", value, (_, v) => v + value);
            }
        });
        listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/> (optionally of one tag value), e.g. <c>campaigns.callbacks.rejected/secret</c>.</summary>
    public long this[string instrument] => sums.GetValueOrDefault(instrument);

    public void Dispose() => listener.Dispose();
}
