using NodaTime;

namespace Campaigns.Storage.Model;

/// <summary>
/// IANA time zone ids as NodaTime's compiled-in TZDB knows them: the same table the workflow's calling window reads,
/// so a zone accepted at import is one every worker can apply.
/// </summary>
public static class TimeZoneIds
{
    /// <summary>Most characters of a zone id (the longest IANA id is about 32).</summary>
    public const int MaxLength = 64;

    /// <summary>Why <paramref name="zone"/> is not a zone id, or null when it is one.</summary>
    public static string? Problem(string? zone) =>
        string.IsNullOrEmpty(zone) ? "a time zone is empty"
        : zone.Length <= MaxLength && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is not null ? null
        : $"\"{(zone.Length <= 40 ? zone : zone[..40] + "…")}\" is not an IANA time zone (e.g. \"Asia/Shanghai\", \"Europe/Berlin\")";
}
