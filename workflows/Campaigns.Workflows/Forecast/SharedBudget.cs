using Campaigns.Workflows.Validation;

namespace Campaigns.Workflows.Forecast;

/// <summary>
/// The fleet's share of the start limit over time, shared between the forecast campaign and the campaigns already running, as
/// the workers' start gates share it: by weight among the campaigns that want starts (stride scheduling), a campaign
/// capped below its share taking only its cap and leaving the rest to the others. The running campaigns are fluids:
/// each drains its remaining starts at what it is given. Seconds are counted from <see cref="Origin"/>.
/// </summary>
internal sealed class SharedBudget
{
    private const double Epsilon = 1e-9;
    private readonly double budget;
    private readonly double ourWeight;
    private readonly double ourCap;
    private readonly Other[] others;

    public SharedBudget(DateTimeOffset origin, double budget, double ourWeight, double ourCap, IEnumerable<RunningCampaign> running)
    {
        Origin = origin;
        this.budget = budget;
        this.ourWeight = ourWeight;
        this.ourCap = ourCap;
        others = [.. running.Where(r => r.RemainingStarts > 0).Select(r => new Other(r))];
    }

    /// <summary>The instant second 0 stands for.</summary>
    public DateTimeOffset Origin { get; }

    /// <summary>Where the budget's time has got to.</summary>
    public double Clock { get; private set; }

    /// <summary>Running campaigns still wanting starts at <see cref="Clock"/>.</summary>
    public int Competing => others.Count(o => o.Left > Epsilon && o.OpenAt(Origin, Clock));

    /// <summary>What the campaign is given at <see cref="Clock"/> while it wants starts.</summary>
    public double OurRate => Allocate(ours: true)[0];

    /// <summary>Every campaign's starts per second together at <see cref="Clock"/>, the forecast campaign dialing.</summary>
    public double TotalRate => Allocate(ours: true).Sum();

    /// <summary>The running campaigns that want starts at <see cref="Clock"/>, with what each is given while the campaign dials.</summary>
    public IEnumerable<(RunningCampaign Campaign, double Left, double Rate)> Sharing()
    {
        var given = Allocate(ours: true);
        return others.Select((o, i) => (o.Campaign, o.Left, given[i + 1])).Where(s => s.Item3 > 0).ToList();
    }

    /// <summary>When the last running campaign places its last start, or null when none was counted (or one never finishes).</summary>
    public double? OthersDoneAt { get; private set; }

    /// <summary>
    /// Shares <paramref name="total"/> by weight among those that want it, each at most its cap: the capped ones
    /// first (they take less than a fair share), the rest split what is left by weight.
    /// </summary>
    public static double[] Allocate(double total, IReadOnlyList<(double Weight, double Cap, bool Wants)> parties)
    {
        ArgumentNullException.ThrowIfNull(parties);
        var given = new double[parties.Count];
        var active = Enumerable.Range(0, parties.Count).Where(i => parties[i].Wants && parties[i].Weight > 0).ToList();
        var left = total;
        while (active.Count > 0)
        {
            var fair = left / active.Sum(i => parties[i].Weight);
            var capped = active.Where(i => parties[i].Cap <= parties[i].Weight * fair).ToList();
            if (capped.Count == 0)
            {
                active.ForEach(i => given[i] = parties[i].Weight * fair);
                break;
            }

            foreach (var i in capped)
            {
                given[i] = parties[i].Cap;
                left -= parties[i].Cap;
                active.Remove(i);
            }
        }

        return given;
    }

    /// <summary>Advances to <paramref name="to"/> with the campaign not dialing (waiting for a window or a redial).</summary>
    public void Idle(double to) => Advance(to, double.PositiveInfinity, dialing: false);

    /// <summary>
    /// Dials up to <paramref name="attempts"/> starting no sooner than <paramref name="from"/> and stopping at
    /// <paramref name="until"/> (the calling window's end): returns when the gate is done with them and how many it started.
    /// </summary>
    public (double Done, double Started) Dial(double from, double attempts, double until)
    {
        Idle(from);
        var started = Advance(until, attempts, dialing: true);
        return (Clock, started);
    }

    // Moves the clock to `to` (or until `attempts` are started), event by event: a running campaign running out of
    // starts or its window opening or closing changes everyone's share. Returns the campaign's starts.
    private double Advance(double to, double attempts, bool dialing)
    {
        var started = 0.0;
        while (Clock < to - Epsilon && (!dialing || started < attempts - Epsilon))
        {
            var given = Allocate(dialing);
            var next = to;
            for (var i = 0; i < others.Length; i++)
            {
                if (given[i + 1] > 0)
                {
                    next = Math.Min(next, Clock + (others[i].Left / given[i + 1]));
                }

                next = Math.Min(next, others[i].NextChange(Origin, Clock));
            }

            if (dialing && given[0] > 0)
            {
                next = Math.Min(next, Clock + ((attempts - started) / given[0]));
            }

            next = Math.Max(next, Clock + 1e-6); // always forward, whatever rounding did
            var span = next - Clock;
            for (var i = 0; i < others.Length; i++)
            {
                var before = others[i].Left;
                others[i].Left = Math.Max(0, before - (given[i + 1] * span));
                if (before > Epsilon && others[i].Left <= Epsilon && others.All(o => o.Left <= Epsilon))
                {
                    OthersDoneAt = next;
                }
            }

            started += dialing ? Math.Min(attempts - started, given[0] * span) : 0;
            Clock = next;
        }

        if (!dialing)
        {
            Clock = Math.Max(Clock, to);
        }

        return started;
    }

    private double[] Allocate(bool ours)
    {
        var parties = new List<(double, double, bool)>(others.Length + 1) { (ourWeight, ourCap, ours) };
        parties.AddRange(others.Select(o => (o.Weight, o.Cap, o.Left > Epsilon && o.OpenAt(Origin, Clock))));
        return Allocate(budget, parties);
    }

    private sealed class Other(RunningCampaign campaign)
    {
        public RunningCampaign Campaign => campaign;

        private readonly CallingWindow? window = campaign.CallingWindow is { } w ? CallingWindow.Parse(w, []) : null;

        public double Left { get; set; } = campaign.RemainingStarts;

        public double Weight { get; } = Math.Max(1, campaign.Weight);

        public double Cap { get; } = campaign.MaxCallsPerSecond ?? double.PositiveInfinity;

        public bool OpenAt(DateTimeOffset origin, double at) => window is null || window.IsOpen(origin + TimeSpan.FromSeconds(at));

        // When its window next opens or closes (infinity without a window, or when done).
        public double NextChange(DateTimeOffset origin, double at)
        {
            if (window is null || Left <= Epsilon)
            {
                return double.PositiveInfinity;
            }

            var now = origin + TimeSpan.FromSeconds(at);
            var change = window.IsOpen(now) ? window.ClosesAfter(now) : window.OpensAfter(now);
            return change is { } c ? Math.Max(at + 1e-3, (c - origin).TotalSeconds) : double.PositiveInfinity;
        }
    }
}
