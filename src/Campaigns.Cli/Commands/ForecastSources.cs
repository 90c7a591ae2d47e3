using System.Globalization;
using Campaigns.Storage;
using Campaigns.Storage.Csv;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Forecast;
using Campaigns.Workflows.Validation;

namespace Campaigns.Cli.Commands;

/// <summary>
/// What <c>forecast</c> reads besides the campaign file: the targets (inline, a CSV, or imported into the store), and,
/// when a store is configured and reachable, earlier campaigns' results, the campaigns dialing now, the fleet's size and
/// the do-not-call list. A forecast needs no store: one that cannot be used is said once, and the defaults stand in.
/// </summary>
internal sealed class ForecastSources
{
    /// <summary>Fewer outcomes than this in the store's history say too little: the default mix is used.</summary>
    public const int MinHistoryOutcomes = 100;

    /// <summary>Completed campaigns whose outcomes make the mix, most recent first.</summary>
    public const int HistoryCampaigns = 20;

    private readonly CliContext context;
    private readonly IOutcomeStore? store;

    private ForecastSources(CliContext context, IOutcomeStore? store)
    {
        this.context = context;
        this.store = store;
    }

    /// <summary>What the output should say about where the figures came from.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Targets per callee time zone ("" without one), once <see cref="TargetsAsync"/> counted them; null when none has a zone.</summary>
    public IReadOnlyDictionary<string, long>? TargetsByZone { get; private set; }

    // The targets counted by TargetsAsync (callees, zone or ""), for the contact caps; null when they are in the store.
    private List<(IReadOnlyList<string> Callees, string Zone)>? counted;

    private ICampaignHistory? History => store as ICampaignHistory;

    /// <summary>Opens the store when one is configured; an unreachable one is a warning, not an error.</summary>
    public static async Task<ForecastSources> OpenAsync(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(context.Settings.Store))
        {
            var none = new ForecastSources(context, null);
            none.Notes.Add("no outcome store configured: no running campaigns or history counted (give --store to count them)");
            return none;
        }

        try
        {
            return new ForecastSources(context, await context.StoreAsync().ConfigureAwait(false));
        }
        catch (CliException e) when (e.ExitCode is ExitCodes.Unavailable or ExitCodes.Invalid)
        {
            await context.Io.Error.WriteLineAsync($"warning: {e.Message}; forecasting without the store").ConfigureAwait(false);
            var without = new ForecastSources(context, null);
            without.Notes.Add("the outcome store could not be used: no running campaigns or history counted");
            return without;
        }
    }

    /// <summary>Targets to dial, those a do-not-call callee skips, and notes on how they were counted.</summary>
    public async Task<(long Targets, long Skipped, List<string> Notes)> TargetsAsync(CampaignSpec spec, string? csvPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var notes = new List<string>();
        List<IReadOnlyList<string>> targets;
        if (csvPath is not null)
        {
            CalleeFile file;
            using (var reader = CampaignFiles.OpenCsv(csvPath))
            {
                file = CalleeCsvReader.Read(reader);
            }

            var rows = file.Accepted.DistinctBy(r => Key(r.Callees)).ToList();
            targets = [.. rows.Select(r => r.Callees)];
            TargetsByZone = ByZone(rows.Select(r => r.TimeZone));
            counted = [.. rows.Select(r => (r.Callees, r.TimeZone ?? string.Empty))];
            if (targets.Count == 0)
            {
                throw new CliException(
                    ExitCodes.Invalid,
                    $"{csvPath} holds no callee that can be dialed ({file.Rows} rows, {file.Rejected.Count} rejected)",
                    "fix the CSV (`campaigns import` lists every rejected line); a header row names the callee column (callee, user_id, account, …)");
            }

            if (file.Rejected.Count > 0 || targets.Count < file.Accepted.Count)
            {
                notes.Add(Text($"{csvPath}: {targets.Count} targets from {file.Rows} rows ({file.Rejected.Count} rejected, {file.Accepted.Count - targets.Count} duplicates)"));
            }
        }
        else if (spec.TargetsImported)
        {
            if (store is null)
            {
                throw new CliException(
                    ExitCodes.Invalid,
                    "$.targetsImported: true, so the targets are in the store, but no outcome store can be read to count them",
                    "give the callees with --csv callees.csv, or the store the targets were imported into with --store / ConnectionStrings__Outcomes");
            }

            var imported = (await store.GetProgressAsync(spec.CampaignId!, context.Cancel).ConfigureAwait(false)).Targets;
            if (imported == 0)
            {
                throw new CliException(
                    ExitCodes.Invalid,
                    $"$.targetsImported: true, but the store ({context.StoreName}) holds no targets for campaign {spec.CampaignId}",
                    $"import them first (campaigns import {spec.CampaignId} --csv callees.csv), or give --csv callees.csv");
            }

            TargetsByZone = ByZone((await store.GetTargetZonesAsync(spec.CampaignId!, context.Cancel).ConfigureAwait(false)).Counts);
            notes.Add(Text($"{imported} targets imported into the store (do-not-call callees were left out at import)"));
            return (imported, 0, notes);
        }
        else
        {
            targets = [.. (spec.Callees ?? []).Select(c => (IReadOnlyList<string>)[c]), .. spec.Groups ?? []];
            TargetsByZone = ByZone(targets.Select(t => spec.CalleeTimeZones?.GetValueOrDefault(t[0])));
            counted = [.. targets.Select(t => (t, spec.CalleeTimeZones?.GetValueOrDefault(t[0]) ?? string.Empty))];
        }

        long skipped = 0;
        if (store is not null)
        {
            var dnc = await store.FindDoNotCallAsync(targets.SelectMany(t => t), context.Cancel).ConfigureAwait(false);
            skipped = targets.Count(t => t.Any(dnc.Contains));
        }

        return (targets.Count, skipped, notes);
    }

    /// <summary>
    /// The contact caps the campaign's claims are checked against (the store's policy tightened by the campaign's own),
    /// and the targets they hold back now (callees rung lately by any campaign of the store), by when they free and
    /// zone. Without a store only the campaign's own caps, and nobody held back.
    /// </summary>
    public async Task<(IReadOnlyList<(int Limit, TimeSpan Window)> Caps, IReadOnlyList<(DateTimeOffset FreeAt, string Zone, long Targets)> Capped)> ContactCapsAsync(CampaignSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var own = spec.ContactPolicy is { } p ? new ContactPolicy { PerDay = p.PerDay, PerWeek = p.PerWeek, Per30Days = p.Per30Days } : null;
        var app = store is null ? null : await store.GetContactPolicyAsync(context.Cancel).ConfigureAwait(false);
        var policy = app?.Tighten(own) ?? own;
        if (policy is null || policy.IsEmpty)
        {
            return ([], []);
        }

        var caps = policy.Caps(TimeSpan.FromDays(1));
        var limits = caps.Select(c => (c.Limit, c.Window)).ToList();
        if (store is null)
        {
            return (limits, []);
        }

        var targets = counted ?? await ImportedTargetsAsync(spec.CampaignId!).ConfigureAwait(false);
        var free = await store.ContactFreeTimesAsync([.. targets.SelectMany(t => t.Callees)], caps, context.Cancel).ConfigureAwait(false);
        var capped = targets
            .Select(t => (t.Zone, FreeAt: t.Callees.Select(c => free.TryGetValue(c, out var at) ? at : (DateTimeOffset?)null).Max()))
            .Where(t => t.FreeAt is not null)
            // A minute apart is the same instant for a forecast: fewer buckets for the timeline.
            .GroupBy(t => (Minute: new DateTimeOffset(t.FreeAt!.Value.UtcTicks - (t.FreeAt.Value.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1), t.Zone))
            .Select(g => (g.Key.Minute, g.Key.Zone, (long)g.Count()))
            .ToList();
        if (capped.Count > 0)
        {
            Notes.Add(Text($"contact caps ({policy}) hold back {capped.Sum(c => c.Item3)} targets whose callees were rung lately, until {capped.Max(c => c.Minute):yyyy-MM-dd HH:mm} UTC at the latest"));
        }

        return (limits, capped);
    }

    private async Task<List<(IReadOnlyList<string> Callees, string Zone)>> ImportedTargetsAsync(string campaignId)
    {
        var all = new List<(IReadOnlyList<string> Callees, string Zone)>();
        var after = 0;
        while (true)
        {
            var page = await store!.GetTargetsAsync(campaignId, after, 2000, context.Cancel).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page.Select(t => (t.Callees, t.TimeZone ?? string.Empty)));
            after = page[^1].Seq;
        }
    }

    /// <summary>The app's holidays from the store (none without one): they close their local date in their zone.</summary>
    public async Task<IReadOnlyList<(DateOnly Date, string TimeZone)>> HolidaysAsync() =>
        store is null ? [] : [.. (await store.GetHolidaysAsync(context.Cancel).ConfigureAwait(false)).Select(h => (h.Date, h.TimeZone))];

    // Targets per zone, or null when no target has a zone of its own (the forecast then uses the window's zone alone).
    private static Dictionary<string, long>? ByZone(IEnumerable<string?> zones)
    {
        var counts = zones.GroupBy(z => z ?? string.Empty, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        return counts.Keys.Any(k => k.Length > 0) ? counts : null;
    }

    private static Dictionary<string, long>? ByZone(IReadOnlyDictionary<string, long> counts) =>
        counts.Keys.Any(k => k.Length > 0) ? new Dictionary<string, long>(counts, StringComparer.Ordinal) : null;

    /// <summary>The mix (from the option, the store's history, or the default) and the callee timing that goes with it.</summary>
    public async Task<(ResultMix Mix, CalleeTiming Timing)> MixAsync(string? option)
    {
        switch (option?.Trim().ToLowerInvariant())
        {
            case "default":
                return (ResultMix.Default, new CalleeTiming());
            case null or "history":
                if (History is not { } history)
                {
                    return option is null
                        ? (ResultMix.Default, new CalleeTiming())
                        : throw new CliException(ExitCodes.Invalid, "--mix history: no outcome store can be read", "give the store with --store / ConnectionStrings__Outcomes, or a mix: --mix NormalEnd=60,NotAnswer=25,CallBusy=15");
                }

                var past = await history.GetResultHistoryAsync(HistoryCampaigns, context.Cancel).ConfigureAwait(false);
                var outcomes = past.Results.Values.Sum();
                if (outcomes < MinHistoryOutcomes || !past.Results.Keys.Any(r => ResultMix.Known.Contains(r, StringComparer.Ordinal)))
                {
                    if (option is not null)
                    {
                        throw new CliException(ExitCodes.Invalid, $"--mix history: the store holds {outcomes} outcomes of completed campaigns, fewer than {MinHistoryOutcomes}", "give a mix: --mix NormalEnd=60,NotAnswer=25,CallBusy=15, or --mix default");
                    }

                    Notes.Add(Text($"the store's completed campaigns hold {outcomes} outcomes (fewer than {MinHistoryOutcomes}): the default mix is used"));
                    return (ResultMix.Default, new CalleeTiming());
                }

                var mix = ResultMix.Of(
                    past.Results.ToDictionary(r => r.Key, r => (double)r.Value, StringComparer.Ordinal),
                    Text($"history: {outcomes} outcomes of the {past.Campaigns.Count} most recently completed campaign{(past.Campaigns.Count == 1 ? string.Empty : "s")}"));
                return (mix, new CalleeTiming { MeanCallSeconds = past.MeanCallSeconds });
            default:
                return (ParseMix(option!), new CalleeTiming());
        }
    }

    /// <summary>A mix given as RESULT=SHARE pairs, or a usage error naming <c>--mix</c> and every problem.</summary>
    public static ResultMix ParseMix(string option)
    {
        var problems = new List<string>();
        return ResultMix.Parse(option, problems) ?? throw new CliException(
            ExitCodes.Invalid,
            "--mix is not a result mix; nothing was forecast",
            "give RESULT=SHARE pairs, e.g. --mix NormalEnd=60,NotAnswer=25,CallBusy=15, or 'default' or 'history'")
        {
            Details = problems,
        };
    }

    /// <summary>Whether <paramref name="option"/> names a mix by its source rather than giving one.</summary>
    public static bool NamesASource(string? option) => option is null || option.Trim().ToLowerInvariant() is "default" or "history";

    /// <summary>Workers in the fleet registry now, else 1.</summary>
    public async Task<int> WorkersAsync()
    {
        if (History is not { } history)
        {
            return 1;
        }

        var live = await history.CountLiveWorkersAsync(context.Cancel).ConfigureAwait(false);
        if (live == 0)
        {
            Notes.Add("no worker is registered in the store's fleet registry now: 1 worker assumed (give --workers)");
        }

        return Math.Max(1, live);
    }

    /// <summary>The campaigns dialing now (not <paramref name="campaignId"/>), with their remaining starts under <paramref name="mix"/>.</summary>
    public async Task<IReadOnlyList<RunningCampaign>> RunningAsync(string campaignId, ResultMix mix)
    {
        if (History is not { } history)
        {
            return [];
        }

        var running = new List<RunningCampaign>();
        foreach (var active in await history.GetActiveCampaignsAsync(context.Cancel).ConfigureAwait(false))
        {
            if (active.CampaignId == campaignId)
            {
                Notes.Add($"campaign {campaignId} is {active.Status.ToString().ToLowerInvariant()} already: this forecast is for a fresh start");
                continue;
            }

            var spec = CampaignValidator.Validate(active.Definition).Spec;
            if (active.Status == CampaignStatus.Paused || spec is null)
            {
                Notes.Add($"campaign {active.CampaignId} is {(spec is null ? "not readable" : "paused")}: not counted");
                continue;
            }

            // Targets not dialed yet bring their redials along; what waits in the store is one start each.
            var remaining = (active.Undispatched * mix.AttemptsPerTarget(spec.Redial)) + active.Pending;
            if (remaining > 0)
            {
                running.Add(new RunningCampaign
                {
                    CampaignId = active.CampaignId,
                    RemainingStarts = remaining,
                    Weight = spec.Rate.Weight,
                    MaxCallsPerSecond = spec.Rate.MaxCallsPerSecond ?? spec.Budgets?.StartCall,
                    CallingWindow = spec.CallingWindow,
                });
            }
        }

        return running;
    }

    private static string Key(IReadOnlyList<string> callees) => string.Join(',', callees.Order(StringComparer.Ordinal));

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
