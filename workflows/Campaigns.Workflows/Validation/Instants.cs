using System.Globalization;
using System.Text.RegularExpressions;

namespace Campaigns.Workflows.Validation;

/// <summary>
/// The instants of a campaign (<c>startAt</c>, <c>endBy</c>): ISO-8601 with an explicit offset, so that the same
/// file means the same moment on every machine (a local time without an offset would depend on where it is read).
/// Pure and deterministic: safe in workflow code.
/// </summary>
public static partial class Instants
{
    /// <summary>What an instant looks like, for messages.</summary>
    public const string Rule = "an ISO-8601 instant with an offset, e.g. 2027-03-01T09:00:00+08:00 or 2027-03-01T01:00:00Z";

    /// <summary>The instant, or null when <paramref name="text"/> is not one (no offset, not a date, out of range).</summary>
    public static DateTimeOffset? Parse(string? text) =>
        text is not null && Shape().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at
            : null;

    // Date, 'T', hours and minutes (seconds and a fraction optional), then Z or ±hh:mm: never a bare local time.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Shape();
}
