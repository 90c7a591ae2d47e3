using System.Collections.Concurrent;

namespace Campaigns.Simulator.Pipeline;

/// <summary>A fault to apply to one request.</summary>
public enum Fault
{
    /// <summary>Behave.</summary>
    None,

    /// <summary>Answer 101001 (v4) / an undocumented internal error (v1); nothing is done.</summary>
    Error101001,

    /// <summary>Answer HTTP 502; nothing is done.</summary>
    Http502,

    /// <summary>Hold the request without doing anything.</summary>
    Hang,

    /// <summary>Do the work, then hold the request so the client never learns the answer.</summary>
    PlaceThenHang,
}

/// <summary>
/// Chooses each request's fault: first from a script (the next N requests of an API, for tests that
/// need a fault at an exact moment), then from the configured rates (seeded, for repeatable runs).
/// </summary>
public sealed class FaultInjector(SimulatorOptions options)
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> scripts = new(StringComparer.Ordinal);
    private readonly Random random = new(options.Seed);
    private readonly Lock gate = new();
    private FaultRates rates = options.Faults;

    /// <summary>The rates in force.</summary>
    public FaultRates Rates
    {
        get => Volatile.Read(ref rates);
        set => Volatile.Write(ref rates, value ?? new FaultRates());
    }

    /// <summary>Makes the next <paramref name="count"/> requests of <paramref name="api"/> suffer <paramref name="fault"/>.</summary>
    public void Script(string api, Fault fault, int count)
    {
        var queue = scripts.GetOrAdd(api, _ => new ConcurrentQueue<Fault>());
        for (var i = 0; i < count; i++)
        {
            queue.Enqueue(fault);
        }
    }

    /// <summary>Forgets every script and rate.</summary>
    public void Clear()
    {
        scripts.Clear();
        Rates = new FaultRates();
    }

    /// <summary>The fault for the next request of <paramref name="api"/>.</summary>
    public Fault Next(string api)
    {
        if (scripts.TryGetValue(api, out var queue) && queue.TryDequeue(out var scripted))
        {
            return scripted;
        }

        var r = Rates;
        if (r.Apis.Count > 0 && !r.Apis.Contains(api, StringComparer.Ordinal))
        {
            return Fault.None;
        }

        double roll;
        lock (gate)
        {
            roll = random.NextDouble();
        }

        foreach (var (fault, rate) in new[]
                 {
                     (Fault.Error101001, r.Error101001Rate), (Fault.Http502, r.Http502Rate),
                     (Fault.Hang, r.HangRate), (Fault.PlaceThenHang, r.PlaceThenHangRate),
                 })
        {
            roll -= rate;
            if (roll < 0)
            {
                return fault;
            }
        }

        return Fault.None;
    }
}
