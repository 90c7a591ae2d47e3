using System.Globalization;
using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>Callee time zones and the app's holidays (docs/callee-time-zones.md).</content>
internal abstract partial class SqlOutcomeStore
{
    public Task<TargetZones> GetTargetZonesAsync(string campaignId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            Access.Read,
            async (conn, tx, ct) =>
            {
                // One pass over the campaign's targets: a 100k campaign has a handful of zones.
                var rows = (await conn.QueryAsync<(string? Zone, long Count)>(Cmd(
                    "SELECT time_zone, count(*) FROM targets WHERE campaign_id = @campaignId GROUP BY time_zone", new { campaignId }, tx, ct)).ConfigureAwait(false)).ToList();
                return new TargetZones([.. rows.Select(r => r.Zone).OfType<string>().Order(StringComparer.Ordinal)], rows.Any(r => r.Zone is null))
                {
                    Counts = rows.ToDictionary(r => r.Zone ?? string.Empty, r => r.Count, StringComparer.Ordinal),
                };
            },
            cancellationToken);

    public Task<bool> AddHolidayAsync(Holiday holiday, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(holiday);
        if (TimeZoneIds.Problem(holiday.TimeZone) is { } problem)
        {
            throw new ArgumentException($"zone: {problem}", nameof(holiday));
        }

        return InTransactionAsync(
            Access.OneBatch,
            async (conn, tx, ct) => await conn.ExecuteAsync(Cmd(
                """
                INSERT INTO holidays (holiday_date, time_zone, added_at) VALUES (@date, @zone, @now)
                ON CONFLICT (holiday_date, time_zone) DO NOTHING
                """,
                new { date = Text(holiday.Date), zone = holiday.TimeZone, now = Time.GetUtcNow() },
                tx,
                ct)).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    public Task<bool> RemoveHolidayAsync(Holiday holiday, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(holiday);
        return InTransactionAsync(
            Access.OneBatch,
            async (conn, tx, ct) => await conn.ExecuteAsync(Cmd(
                "DELETE FROM holidays WHERE holiday_date = @date AND time_zone = @zone",
                new { date = Text(holiday.Date), zone = holiday.TimeZone },
                tx,
                ct)).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    public Task<IReadOnlyList<Holiday>> GetHolidaysAsync(CancellationToken cancellationToken = default) =>
        InTransactionAsync<IReadOnlyList<Holiday>>(
            Access.Read,
            async (conn, tx, ct) =>
            {
                var rows = await conn.QueryAsync<(string Date, string Zone, DateTimeOffset AddedAt)>(Cmd(
                    "SELECT holiday_date, time_zone, added_at FROM holidays ORDER BY holiday_date, time_zone", null, tx, ct)).ConfigureAwait(false);
                return [.. rows.Select(r => new Holiday(DateOnly.ParseExact(r.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture), r.Zone) { AddedAt = r.AddedAt })];
            },
            cancellationToken);

    // The stored form: ISO dates sort as dates do.
    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
