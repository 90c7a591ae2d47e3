using System.Globalization;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Forecast;

/// <summary>
/// What share of attempts ends with each result (shares sum to 1): the forecast's assumption about the callees.
/// Results are drawn afresh on each attempt (as the simulator does), so a redial has the same mix as a first call.
/// </summary>
public sealed record ResultMix
{
    /// <summary>The results a mix may name, as the progress and the store spell them.</summary>
    public static readonly IReadOnlyList<string> Known =
    [
        Results.NormalEnd, Results.NotAnswer, Results.CallBusy, Results.Reject, Results.Cancel, Results.Interrupt, Results.RingUnknown, Results.NotRung, Results.RecordMissing,
        Results.NotPlaced, Results.Unresolved,
    ];

    /// <summary>
    /// The default: the simulator's default callee mix as the README's 100,000-target benchmark observed it (NormalEnd 58.7 %,
    /// NotAnswer 19.6 %, CallBusy 9.8 %, Reject 9.8 %, RecordMissing 1 %, NotRung 1 %, RingUnknown 0.01 %).
    /// </summary>
    public static ResultMix Default { get; } = Of(
        new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["NormalEnd"] = 58_712, ["NotAnswer"] = 19_602, ["CallBusy"] = 9_817, ["Reject"] = 9_811, ["RecordMissing"] = 1_024, ["NotRung"] = 1_020, ["RingUnknown"] = 14,
        },
        "default: the simulator's default mix, as the README's 100,000-target benchmark ended");

    /// <summary>Result → share of attempts, summing to 1, in <see cref="Known"/> order.</summary>
    public IReadOnlyDictionary<string, double> Shares { get; private init; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Where the mix came from, for the output ("default", "--mix", "history of 12 campaigns").</summary>
    public string Source { get; private init; } = string.Empty;

    /// <summary>The share of <paramref name="result"/> (0 when the mix does not name it).</summary>
    public double this[string result] => Shares.GetValueOrDefault(result);

    /// <summary>A mix from weights or counts (any scale: they are normalised); results outside <see cref="Known"/> are left out.</summary>
    public static ResultMix Of(IReadOnlyDictionary<string, double> weights, string source)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var known = weights.Where(w => Known.Contains(w.Key, StringComparer.Ordinal) && w.Value > 0).ToList();
        var sum = known.Sum(w => w.Value);
        if (sum <= 0)
        {
            throw new ArgumentException("a mix needs at least one known result with a positive share", nameof(weights));
        }

        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var result in Known)
        {
            if (known.FirstOrDefault(w => w.Key == result) is { Value: > 0 } w)
            {
                shares[result] = w.Value / sum;
            }
        }

        return new ResultMix { Shares = shares, Source = source };
    }

    /// <summary>
    /// Parses <c>NormalEnd=58.7,NotAnswer=19.6,…</c> (percentages or fractions: normalised either way; result names
    /// case-insensitive). Every problem is added to <paramref name="problems"/> naming <paramref name="field"/>; null when invalid.
    /// </summary>
    public static ResultMix? Parse(string text, ICollection<string> problems, string field = "--mix")
    {
        ArgumentNullException.ThrowIfNull(problems);
        var before = problems.Count;
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var parts = (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            problems.Add($"{field}: empty; give RESULT=SHARE pairs, e.g. NormalEnd=60,NotAnswer=20,CallBusy=10,Reject=10");
        }

        foreach (var part in parts)
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problems.Add($"{field}: \"{part}\" is not RESULT=SHARE (e.g. NotAnswer=19.6)");
                continue;
            }

            var name = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            var result = Known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            if (result is null)
            {
                problems.Add($"{field}: \"{name}\" is not a result; one of {string.Join(", ", Known)}");
            }
            else if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || !double.IsFinite(share) || share < 0)
            {
                problems.Add($"{field}: {result}: \"{value}\" is not a share (a number, 0 or more)");
            }
            else if (!weights.TryAdd(result, share))
            {
                problems.Add($"{field}: {result} given twice");
            }
        }

        if (problems.Count == before && weights.Values.Sum() <= 0)
        {
            problems.Add($"{field}: every share is 0; at least one result must have a share above 0");
        }

        return problems.Count > before ? null : Of(weights, "--mix");
    }

    /// <summary>Share of attempts that the campaign's rules dial again (rules on RecordMissing and Unresolved never redial: see <see cref="Redials"/>).</summary>
    public double RedialShare(RedialSpec redial) => Redials(redial).Sum(r => this[r.Result!]);

    /// <summary>
    /// The rules that place another call: a rule on <c>RecordMissing</c> or <c>Unresolved</c> is held back by the worker
    /// (the call before may have been answered) and ends as <c>RedialHeld</c>, placing nothing.
    /// </summary>
    public static IEnumerable<RedialRule> Redials(RedialSpec redial)
    {
        ArgumentNullException.ThrowIfNull(redial);
        return redial.MaxAttempts <= 1 ? [] : redial.Rules.Where(r => r.Result is not null and not (Results.RecordMissing or Results.Unresolved));
    }

    /// <summary>Expected attempts per target: 1 + q + q² + … up to <c>maxAttempts</c> terms, q the share dialed again.</summary>
    public double AttemptsPerTarget(RedialSpec redial)
    {
        ArgumentNullException.ThrowIfNull(redial);
        var q = RedialShare(redial);
        var total = 0.0;
        var reach = 1.0;
        for (var k = 1; k <= Math.Max(1, redial.MaxAttempts); k++)
        {
            total += reach;
            reach *= q;
        }

        return total;
    }

    /// <summary>The mix as text: <c>NormalEnd 58.8 %, NotAnswer 19.6 %, …</c>.</summary>
    public override string ToString() =>
        string.Join(", ", Shares.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value * 100:0.#} %")));
}
