using System.Text.Json.Serialization;

namespace Campaigns.Storage.Model;

/// <summary>
/// Frequency caps per callee over every campaign of the store (docs/contact-policy.md): at most <see cref="PerDay"/>
/// attempts in any rolling day, <see cref="PerWeek"/> in any rolling week, <see cref="Per30Days"/> in any rolling 30
/// days (null: no cap of that length). The app's policy lives in the store; a campaign's own can only tighten it.
/// </summary>
public sealed record ContactPolicy
{
    /// <summary>The largest limit accepted (more is no cap in practice).</summary>
    public const int MaxLimit = 1000;

    /// <summary>Attempts per callee in any rolling day.</summary>
    public int? PerDay { get; init; }

    /// <summary>Attempts per callee in any rolling 7 days.</summary>
    public int? PerWeek { get; init; }

    /// <summary>Attempts per callee in any rolling 30 days.</summary>
    public int? Per30Days { get; init; }

    /// <summary>When the stored policy was last set (null for one not read from the store).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>No limit at all.</summary>
    [JsonIgnore]
    public bool IsEmpty => PerDay is null && PerWeek is null && Per30Days is null;

    /// <summary>The stricter of this policy and <paramref name="other"/>, limit by limit (what a claim is checked against).</summary>
    public ContactPolicy Tighten(ContactPolicy? other) => other is null ? this with { UpdatedAt = null } : new()
    {
        PerDay = Min(PerDay, other.PerDay),
        PerWeek = Min(PerWeek, other.PerWeek),
        Per30Days = Min(Per30Days, other.Per30Days),
    };

    /// <summary>
    /// The limits of <paramref name="campaign"/> looser than this policy's: (limit name, the campaign's value, this
    /// policy's value). A campaign may tighten the app's policy, never loosen it.
    /// </summary>
    public IReadOnlyList<(string Limit, int Campaign, int App)> LooserIn(ContactPolicy campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var looser = new List<(string, int, int)>();
        void Check(string name, int? app, int? mine)
        {
            if (app is { } a && mine is { } m && m > a)
            {
                looser.Add((name, m, a));
            }
        }

        Check("perDay", PerDay, campaign.PerDay);
        Check("perWeek", PerWeek, campaign.PerWeek);
        Check("per30Days", Per30Days, campaign.Per30Days);
        return looser;
    }

    /// <summary>The caps as rolling windows, a day being <paramref name="day"/> long (a real day except in tests).</summary>
    public IReadOnlyList<ContactCap> Caps(TimeSpan day)
    {
        var caps = new List<ContactCap>(3);
        if (PerDay is { } d)
        {
            caps.Add(new ContactCap(d, day));
        }

        if (PerWeek is { } w)
        {
            caps.Add(new ContactCap(w, day * 7));
        }

        if (Per30Days is { } m)
        {
            caps.Add(new ContactCap(m, day * 30));
        }

        return caps;
    }

    /// <summary>The policy in words, for operators: "1 per day, 3 per week".</summary>
    public override string ToString()
    {
        var parts = new List<string>(3);
        if (PerDay is { } d)
        {
            parts.Add($"{d} per day");
        }

        if (PerWeek is { } w)
        {
            parts.Add($"{w} per week");
        }

        if (Per30Days is { } m)
        {
            parts.Add($"{m} per 30 days");
        }

        return parts.Count == 0 ? "no cap" : string.Join(", ", parts);
    }

    private static int? Min(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}

/// <summary>At most <see cref="Limit"/> attempts per callee in any rolling <see cref="Window"/>.</summary>
public sealed record ContactCap(int Limit, TimeSpan Window)
{
    /// <summary>
    /// When one more attempt to a callee is allowed by every cap, given the times of its earlier attempts
    /// (<paramref name="contacts"/>, any order): null when it is allowed at <paramref name="now"/>. A cap of N in a
    /// window W with c ≥ N attempts inside (now − W, now] frees when the (c − N + 1)-th oldest of them leaves the window.
    /// </summary>
    public static DateTimeOffset? FreeAt(IReadOnlyList<ContactCap> caps, IEnumerable<DateTimeOffset> contacts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(caps);
        ArgumentNullException.ThrowIfNull(contacts);
        var times = contacts.Order().ToList();
        DateTimeOffset? free = null;
        foreach (var cap in caps)
        {
            var inside = times.Where(t => t > now - cap.Window).ToList();
            if (inside.Count < cap.Limit)
            {
                continue;
            }

            var at = inside[inside.Count - cap.Limit] + cap.Window;
            free = free is { } f && f >= at ? f : at;
        }

        return free;
    }
}
