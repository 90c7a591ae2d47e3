using Campaigns.Workflows.Validation;

namespace Campaigns.Workflows.Forecast;

/// <summary>
/// The campaign's dispatch, batch by batch, in expected counts, as the workflow and the worker run it: batches of
/// <c>5 s × the pace</c> (50, 100, 200, 400, then up to 500), due redials first and first-pass targets after them,
/// dialed back to back by the start gate at the share the vendor's limit gives, only while the calling window is open (what
/// a batch could not start before the window closed comes back due at the close). A batch ends when its slowest
/// outcome is stored, and only then hands its redials back, due after each rule's delay.
/// With callees in several time zones (docs/callee-time-zones.md) the targets form one group per zone, each with the
/// window in its zone (and its holidays): dispatch goes on while any group with work is open, a batch takes from the
/// open groups only (in proportion to what each has left, as target order mixes the zones), and a redial waits for
/// its own group's window.
/// </summary>
internal sealed class DispatchTimeline(
    ForecastSettings settings, IReadOnlyList<ICallingWindow?> windows, DateTimeOffset at, double paceRate, int maxAttempts, IReadOnlyList<(int Limit, TimeSpan Window)>? caps = null)
{
    /// <summary>Expected attempts below which a bucket of redials is dropped (it changes no figure shown).</summary>
    public const double Negligible = 1e-3;

    private const double HorizonSeconds = 400 * 86_400;
    // Attempts waiting in the store: not due yet (earliest first), and due (in due order, taken from the front).
    private readonly PriorityQueue<Pending, (double Due, int AttemptNo)> waiting = new();
    private readonly LinkedList<Pending> ready = new();

    /// <summary>One group: the campaign's window (null: always open).</summary>
    public DispatchTimeline(ForecastSettings settings, ICallingWindow? window, DateTimeOffset at, double paceRate, int maxAttempts)
        : this(settings, [window], at, paceRate, maxAttempts)
    {
    }

    /// <summary>The batches, in dispatch order.</summary>
    public List<BatchRun> Batches { get; } = [];

    /// <summary>Expected starts per attempt number (index 0: first calls).</summary>
    public double[] AttemptsByNumber { get; } = new double[Math.Max(1, maxAttempts)];

    /// <summary>Seconds with calls to place while the window was closed.</summary>
    public double WindowWait { get; private set; }

    /// <summary>Seconds with nothing to dial but attempts a contact cap holds back.</summary>
    public double CapWait { get; private set; }

    /// <summary>When the gate was done with the last first call.</summary>
    public double? FirstPassDone { get; private set; }

    /// <summary>The window closed and never opens again (within a year): the rest is never dialed.</summary>
    public bool NeverOpens { get; private set; }

    /// <summary>The dispatch ran past 400 days and was cut there.</summary>
    public bool CutAtHorizon { get; private set; }

    /// <summary>Runs the dispatch of <paramref name="targets"/> first-pass targets (one group).</summary>
    public void Run(double targets, SharedBudget budget, PollBacklog polls, IReadOnlyList<(double Share, double DelaySeconds)> redials) =>
        Run([targets], budget, polls, redials, []);

    /// <summary>Runs the dispatch of the first-pass targets of each group (in the order of the windows).</summary>
    /// <param name="targets">Targets to dial per group (do-not-call ones left out).</param>
    /// <param name="budget">The shared start budget (advanced as the campaign dials and waits).</param>
    /// <param name="polls">The poll lag as the campaign goes on, and the latencies (start to outcome) at each lag.</param>
    /// <param name="redials">Per rule that places a call: the share of attempts it redials and its delay.</param>
    /// <param name="capped">First attempts contact caps hold back at the start: their group, when they free (seconds), how many.</param>
    public void Run(
        IReadOnlyList<double> targets,
        SharedBudget budget,
        PollBacklog polls,
        IReadOnlyList<(double Share, double DelaySeconds)> redials,
        IReadOnlyList<(int Group, double Due, double Count)> capped)
    {
        ArgumentNullException.ThrowIfNull(capped);
        foreach (var (group, due, count) in capped)
        {
            Add(due, 1, group, count, isCapped: true);
        }

        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(polls);
        ArgumentNullException.ThrowIfNull(redials);
        if (targets.Count != windows.Count)
        {
            throw new ArgumentException($"{targets.Count} groups of targets for {windows.Count} windows", nameof(targets));
        }

        var redialShare = redials.Sum(r => r.Share);
        var first = targets.ToArray();
        // Started before any window opens, the campaign registers and waits: the wait counts from the start.
        var t = Enumerable.Range(0, first.Length).Any(g => first[g] >= Negligible && IsOpen(g, 0)) ? settings.StartupSeconds : 0;
        var batchesDispatched = 0;
        var dialedUntil = t;
        budget.Idle(t);
        while (true)
        {
            if (t > HorizonSeconds)
            {
                CutAtHorizon = true;
                break;
            }

            var now = t;
            Release(now);
            if (first.Sum() < Negligible && ready.Sum(p => p.Count) < Negligible)
            {
                if (waiting.Count == 0)
                {
                    break;
                }

                // Nothing due: the workflow sleeps until the earliest redial falls due.
                var next = waiting.Peek().Due;
                if (waiting.Peek().Capped)
                {
                    CapWait += Math.Max(0, next - t);
                }

                budget.Idle(next);
                t = next + settings.WakeSeconds;
                continue;
            }

            var open = Enumerable.Range(0, windows.Count).Select(g => IsOpen(g, t)).ToArray();
            if (Enumerable.Range(0, first.Length).All(g => !open[g] || first[g] < Negligible) && ready.All(p => !open[p.Group] || p.Count < Negligible))
            {
                // Work is due, but only in groups whose window is closed: sleep until the first of them opens (or a
                // redial falls due before that).
                var opens = Enumerable.Range(0, windows.Count)
                    .Where(g => first[g] >= Negligible || ready.Any(p => p.Group == g && p.Count >= Negligible))
                    .Select(g => windows[g]!.OpensAfter(at + TimeSpan.FromSeconds(t)))
                    .Where(o => o is not null)
                    .Min();
                var wake = opens is { } o ? (o - at).TotalSeconds : double.PositiveInfinity;
                if (waiting.TryPeek(out var soon, out _) && soon.Due < wake && IsOpen(soon.Group, soon.Due))
                {
                    wake = soon.Due; // a redial of a group that is open by then
                }

                if (double.IsPositiveInfinity(wake))
                {
                    NeverOpens = true;
                    break;
                }

                wake = Math.Max(wake, t);
                WindowWait += wake - t;
                budget.Idle(wake);
                t = wake + settings.WakeSeconds;
                continue;
            }

            var byGroup = Take(BatchSize(batchesDispatched++), open, first);
            var attempts = byGroup.Sum(n => n.Sum());
            // The batch's calls stop at the earliest close of the groups it took from (what is left comes back then).
            var closes = Enumerable.Range(0, windows.Count)
                .Where(g => windows[g] is not null && byGroup[g].Sum() > 0)
                .Select(g => (windows[g]!.ClosesAfter(at + TimeSpan.FromSeconds(t)) - at).TotalSeconds)
                .DefaultIfEmpty(double.PositiveInfinity)
                .Min();
            var start = Math.Max(t, budget.Clock);
            polls.Idle(start - dialedUntil);
            budget.Idle(start);
            var everyone = budget.TotalRate;
            var (done, started) = budget.Dial(t, attempts, closes);
            polls.Dial(done - start, everyone);
            dialedUntil = done;
            if (started < attempts - 1e-9)
            {
                // Not started before the window closed: back in the store, due at the close (dialed when it opens).
                var back = (attempts - started) / attempts;
                for (var g = 0; g < byGroup.Length; g++)
                {
                    for (var k = 0; k < byGroup[g].Length; k++)
                    {
                        Add(closes, k + 1, g, byGroup[g][k] * back);
                        byGroup[g][k] *= 1 - back;
                    }
                }
            }

            t = done;
            if (started < Negligible)
            {
                continue;
            }

            // A batch with a first attempt (first pass, or one back from a closed window or a cap) surely holds one; one
            // of redials only maybe (a Poisson count).
            var firstAttempts = byGroup.Sum(n => n[0]);
            var certain = firstAttempts >= 0.5;
            var nonEmpty = certain ? 1 : 1 - Math.Exp(-started);
            var size = certain ? started : started / nonEmpty;
            var end = done + polls.All.ExpectedMax(size);
            var last = 0.0;
            var firsts = 0.0;
            for (var g = 0; g < byGroup.Length; g++)
            {
                for (var k = 0; k < byGroup[g].Length; k++)
                {
                    AttemptsByNumber[k] += byGroup[g][k];
                    if (k + 1 < maxAttempts)
                    {
                        foreach (var (share, delay) in redials)
                        {
                            // A redial beyond a cap's limit waits for the cap: counted from this batch's calls (exact for a
                            // limit of 1; for a higher limit the attempt it waits on came earlier, so this is late).
                            var due = end + delay;
                            var capDue = (caps ?? []).Where(c => k + 2 > c.Limit).Select(c => start + c.Window.TotalSeconds).DefaultIfEmpty(0).Max();
                            Add(Math.Max(due, capDue), k + 2, g, byGroup[g][k] * share, isCapped: capDue > due);
                        }
                    }
                }

                last += byGroup[g][^1];
                firsts += byGroup[g][0];
            }

            Batches.Add(new BatchRun(start, done, started, (started - last) * (1 - redialShare), last, end, nonEmpty) { All = polls.All, Final = polls.Final });
            if (firsts >= Negligible)
            {
                FirstPassDone = done; // first calls (some may have come back at a window's close)
            }
        }
    }

    private bool IsOpen(int group, double t) => windows[group] is not { } window || window.IsOpen(at + TimeSpan.FromSeconds(t));

    // Due redials of open groups first (earliest first), then first-pass targets of the open groups, in proportion to
    // what each has left, up to the batch's size: per group and attempt number.
    private double[][] Take(int size, bool[] open, double[] first)
    {
        var byGroup = Enumerable.Range(0, windows.Count).Select(_ => new double[AttemptsByNumber.Length]).ToArray();
        double room = size;
        for (var node = ready.First; node is not null && room > 0;)
        {
            var next = node.Next;
            var p = node.Value;
            if (open[p.Group])
            {
                var take = Math.Min(room, p.Count);
                byGroup[p.Group][p.AttemptNo - 1] += take;
                p.Count -= take;
                room -= take;
                if (p.Count < Negligible)
                {
                    ready.Remove(node);
                }
            }

            node = next;
        }

        var left = Enumerable.Range(0, first.Length).Where(g => open[g]).Sum(g => first[g]);
        var fromFirst = Math.Min(room, left);
        if (fromFirst > 0)
        {
            var share = fromFirst / left;
            for (var g = 0; g < first.Length; g++)
            {
                if (open[g])
                {
                    var take = first[g] * share;
                    first[g] -= take;
                    byGroup[g][0] += take;
                }
            }
        }

        return byGroup;
    }

    private void Add(double due, int attemptNo, int group, double count, bool isCapped = false)
    {
        if (count >= Negligible)
        {
            waiting.Enqueue(new Pending(due, attemptNo, group, count) { Capped = isCapped }, (due, attemptNo));
        }
    }

    // Moves what fell due by `now` to the front queue, in due order.
    private void Release(double now)
    {
        while (waiting.TryPeek(out var p, out _) && p.Due <= now + 1e-9)
        {
            waiting.Dequeue();
            ready.AddLast(p);
        }
    }

    // The workflow's BatchSizeNow: 5 s of dialing at the pace, ramping up 50, 100, 200, 400, then at most 500.
    private int BatchSize(int dispatched) => Math.Clamp((int)(paceRate * 5), 1, Math.Min(500, 50 << Math.Min(dispatched, 4)));

    private sealed class Pending(double due, int attemptNo, int group, double count)
    {
        public double Due { get; } = due;

        public int AttemptNo { get; } = attemptNo;

        public int Group { get; } = group;

        public bool Capped { get; init; }

        public double Count { get; set; } = count;
    }
}

/// <summary>
/// One batch: when the gate began and finished its starts, how many it started, how many of them end their target
/// (<see cref="FinalEarly"/>: attempts before the last whose result is not redialed; <see cref="FinalLast"/>: last
/// attempts), when its last outcome is stored, and the chance it held any attempt at all.
/// </summary>
internal sealed record BatchRun(double Start, double Done, double Started, double FinalEarly, double FinalLast, double End, double NonEmpty)
{
    /// <summary>Start to outcome of its attempts (at the poll lag of its time).</summary>
    public required CallLatency All { get; init; }

    /// <summary>Start to outcome of its attempts that end their target.</summary>
    public required CallLatency Final { get; init; }
}
