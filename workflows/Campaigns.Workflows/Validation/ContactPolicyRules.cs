using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Validation;

/// <summary>
/// The rules of a contact policy, the same for a campaign's <c>contactPolicy</c> and the app's (<c>campaigns policy
/// set</c>): each limit a whole number 1–1000, at least one given, and a shorter window never allowing more than a
/// longer one that contains it (such a limit could never be reached: a sign of a mistake).
/// </summary>
public static class ContactPolicyRules
{
    /// <summary>The largest limit accepted.</summary>
    public const int MaxLimit = 1000;

    /// <summary>A campaign's <c>contactPolicy</c>: every problem by its JSON path.</summary>
    public static void Check(ContactPolicySpec policy, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Check(policy.PerDay, policy.PerWeek, policy.Per30Days, name => $"$.contactPolicy.{name}", "$.contactPolicy", problems);
    }

    /// <summary>
    /// The three limits, each problem naming the limit as <paramref name="nameOf"/> spells it (a JSON path, a CLI
    /// option) and an empty policy as <paramref name="whole"/>.
    /// </summary>
    public static void Check(int? perDay, int? perWeek, int? per30Days, Func<string, string> nameOf, string whole, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(nameOf);
        ArgumentNullException.ThrowIfNull(problems);
        if (perDay is null && perWeek is null && per30Days is null)
        {
            problems.Add($"{whole}: no limit given: set {nameOf("perDay")}, {nameOf("perWeek")} and/or {nameOf("per30Days")}");
            return;
        }

        var valid = true;
        foreach (var (name, value, window) in new[] { ("perDay", perDay, "day"), ("perWeek", perWeek, "week"), ("per30Days", per30Days, "30 days") })
        {
            if (value is < 1 or > MaxLimit)
            {
                problems.Add($"{nameOf(name)}: {value} must be 1-{MaxLimit} (attempts per callee in any rolling {window}, over every campaign)");
                valid = false;
            }
        }

        if (!valid)
        {
            return;
        }

        if (perDay is { } d && perWeek is { } w && d > w)
        {
            problems.Add($"{nameOf("perDay")}: {d} is more than {nameOf("perWeek")} {w}: a day lies inside a week, so it could never be reached");
        }

        if (perWeek is { } w2 && per30Days is { } m && w2 > m)
        {
            problems.Add($"{nameOf("perWeek")}: {w2} is more than {nameOf("per30Days")} {m}: a week lies inside 30 days, so it could never be reached");
        }
        else if (perWeek is null && perDay is { } d2 && per30Days is { } m2 && d2 > m2)
        {
            problems.Add($"{nameOf("perDay")}: {d2} is more than {nameOf("per30Days")} {m2}: a day lies inside 30 days, so it could never be reached");
        }
    }
}
