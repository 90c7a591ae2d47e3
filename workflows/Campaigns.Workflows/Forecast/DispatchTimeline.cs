using Campaigns.Workflows.Validation;

namespace Campaigns.Workflows.Forecast;

/// <summary>
/// The campaign's dispatch, batch by batch, in expected counts, as the workflow and the worker run it: batches of
/// <c>5 s × the pace</c> (50, 100, 200, 400, then up to 500), due redials first and first-pass targets after them,
/// dialed back to back by the start gate at the share the budget gives, only while the calling window is open (what
/// a batch could not start before the window closed comes back due at the close). A batch ends when its slowest
/// outcome is stored, and only then hands its redials back, due after each rule's delay.
/// </summary>
internal sealed class DispatchTimeline(ForecastSettings settings, CallingWindow? window, DateTimeOffset at, double paceRate, int maxAttempts)
{
    /// <summary>Expected attempts below which a bucket of redials is dropped (it changes no figure shown).</summary>
    public const double Negligible = 1e-3;

    private const double HorizonSeconds = 400 * 86_400;
    // Attempts waiting in the store: not due yet (earliest first), and due (in due order, taken from the front).
    private readonly PriorityQueue<Pending, (double Due, int AttemptNo)> waiting = new();
    private readonly LinkedList<Pending> ready = new();
    private double readyCount;

    /// <summary>The batches, in dispatch order.</summary>
    public List<BatchRun> Batches { get; } = [];

    /// <summary>Expected starts per attempt number (index 0: first calls).</summary>
    public double[] AttemptsByNumber { get; } = new double[Math.Max(1, maxAttempts)];

    /// <summary>Seconds with calls to place while the window was closed.</summary>
    public double WindowWait { get; private set; }

    /// <summary>When the gate was done with the last first call.</summary>
    public double? FirstPassDone { get; private set; }

    /// <summary>The window closed and never opens again (within a year): the rest is never dialed.</summary>
    public bool NeverOpens { get; private set; }

    /// <summary>The dispatch ran past 400 days and was cut there.</summary>
    public bool CutAtHorizon { get; private set; }

    /// <summary>Runs the dispatch of <paramref name="targets"/> first-pass targets.</summary>
    /// <param name="targets">Targets to dial (do-not-call ones left out).</param>
    /// <param name="budget">The shared start budget (advanced as the campaign dials and waits).</param>
    /// <param name="polls">The poll lag as the campaign goes on, and the latencies (start to outcome) at each lag.</param>
    /// <param name="redials">Per rule that places a call: the share of attempts it redials and its delay.</param>
    public void Run(double targets, SharedBudget budget, PollBacklog polls, IReadOnlyList<(double Share, double DelaySeconds)> redials)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(polls);
        ArgumentNullException.ThrowIfNull(redials);
        var redialShare = redials.Sum(r => r.Share);
        var first = targets;
        // Started before its window opens, the campaign registers and waits: the wait counts from the start.
        var t = window is not null && !window.IsOpen(at) ? 0 : settings.StartupSeconds;
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
            if (first < Negligible && readyCount < Negligible)
            {
                if (waiting.Count == 0)
                {
                    break;
                }

                // Nothing due: the workflow sleeps until the earliest redial falls due.
                var next = waiting.Peek().Due;
                budget.Idle(next);
                t = next + settings.WakeSeconds;
                continue;
            }

            if (window is not null && !window.IsOpen(at + TimeSpan.FromSeconds(t)))
            {
                if (window.OpensAfter(at + TimeSpan.FromSeconds(t)) is not { } opens)
                {
                    NeverOpens = true;
                    break;
                }

                var open = (opens - at).TotalSeconds;
                WindowWait += open - t;
                budget.Idle(open);
                t = open + settings.WakeSeconds;
                continue;
            }

            var byNumber = Take(BatchSize(batchesDispatched++), now, ref first, out var fromFirst);
            var attempts = byNumber.Sum();
            var closes = window is null ? double.PositiveInfinity : (window.ClosesAfter(at + TimeSpan.FromSeconds(t)) - at).TotalSeconds;
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
                for (var k = 0; k < byNumber.Length; k++)
                {
                    Add(closes, k + 1, byNumber[k] * back);
                    byNumber[k] *= 1 - back;
                }
            }

            t = done;
            if (started < Negligible)
            {
                continue;
            }

            // A batch with a first-pass target surely holds one; one of redials only maybe (a Poisson count).
            var certain = fromFirst * (started / attempts) >= 0.5;
            var nonEmpty = certain ? 1 : 1 - Math.Exp(-started);
            var size = certain ? started : started / nonEmpty;
            var end = done + polls.All.ExpectedMax(size);
            for (var k = 0; k < byNumber.Length; k++)
            {
                AttemptsByNumber[k] += byNumber[k];
                if (k + 1 < maxAttempts)
                {
                    foreach (var (share, delay) in redials)
                    {
                        Add(end + delay, k + 2, byNumber[k] * share);
                    }
                }
            }

            var last = byNumber[^1];
            Batches.Add(new BatchRun(start, done, started, (started - last) * (1 - redialShare), last, end, nonEmpty) { All = polls.All, Final = polls.Final });
            if (byNumber[0] >= Negligible)
            {
                FirstPassDone = done; // first calls (some may have come back at a window's close)
            }
        }
    }

    // Due redials first (earliest first), then first-pass targets, up to the batch's size: per attempt number.
    private double[] Take(int size, double now, ref double first, out double fromFirst)
    {
        var byNumber = new double[AttemptsByNumber.Length];
        double room = size;
        Release(now);
        while (room > 0 && ready.First is { } node)
        {
            var p = node.Value;
            var take = Math.Min(room, p.Count);
            byNumber[p.AttemptNo - 1] += take;
            p.Count -= take;
            readyCount -= take;
            room -= take;
            if (p.Count < Negligible)
            {
                readyCount -= p.Count;
                ready.RemoveFirst();
            }
        }

        if (ready.Count == 0)
        {
            readyCount = 0; // no rounding left over
        }

        fromFirst = Math.Min(room, first);
        first -= fromFirst;
        byNumber[0] += fromFirst;
        return byNumber;
    }

    private void Add(double due, int attemptNo, double count)
    {
        if (count >= Negligible)
        {
            waiting.Enqueue(new Pending(due, attemptNo, count), (due, attemptNo));
        }
    }

    // Moves what fell due by `now` to the front queue, in due order.
    private void Release(double now)
    {
        while (waiting.TryPeek(out var p, out _) && p.Due <= now + 1e-9)
        {
            waiting.Dequeue();
            ready.AddLast(p);
            readyCount += p.Count;
        }
    }

    // The workflow's BatchSizeNow: 5 s of dialing at the pace, ramping up 50, 100, 200, 400, then at most 500.
    private int BatchSize(int dispatched) => Math.Clamp((int)(paceRate * 5), 1, Math.Min(500, 50 << Math.Min(dispatched, 4)));

    private sealed class Pending(double due, int attemptNo, double count)
    {
        public double Due { get; } = due;

        public int AttemptNo { get; } = attemptNo;

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
