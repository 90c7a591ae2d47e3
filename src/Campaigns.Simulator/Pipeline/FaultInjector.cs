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

    /// <summary>Answer 60018 (v1: 70005), a frequency limit; nothing is done.</summary>
    Error60018,

    /// <summary>Answer 60011 (v1: 70005), the app-wide frequency limit; nothing is done.</summary>
    Error60011,

    /// <summary>Answer 70500 (v1: an internal error); nothing is done.</summary>
    Error70500,

    /// <summary>Do the work, then answer 70169 (v1: an internal error): the gateway gave up waiting.</summary>
    Error70169,

    /// <summary>Do the work, then answer HTTP 502.</summary>
    PlaceThen502,
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

    /// <summary>Whether a fault lets the request do its work before it misbehaves.</summary>
    public static bool AfterWork(Fault fault) => fault is Fault.PlaceThenHang or Fault.Error70169 or Fault.PlaceThen502;

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
                     (Fault.Error60018, r.Error60018Rate), (Fault.Error60011, r.Error60011Rate), (Fault.Error70500, r.Error70500Rate),
                     (Fault.Error70169, r.Error70169Rate), (Fault.PlaceThen502, r.PlaceThen502Rate),
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
