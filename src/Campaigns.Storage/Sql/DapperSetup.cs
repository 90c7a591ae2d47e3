using System.Data;
using System.Globalization;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <summary>Process-wide Dapper settings the stores rely on, applied once.</summary>
internal static class DapperSetup
{
    private static int done;

    public static void Ensure()
    {
        if (Interlocked.Exchange(ref done, 1) == 1)
        {
            return;
        }

        // Columns are snake_case (campaign_id), properties PascalCase (CampaignId).
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new UtcDateTimeOffsetHandler());
    }

    /// <summary>
    /// Times are written in UTC (Npgsql refuses other offsets for timestamptz; SQLite text then sorts
    /// correctly) and read back from whatever the provider returns: DateTime (Npgsql) or text (SQLite).
    /// </summary>
    private sealed class UtcDateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUniversalTime();

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            _ => throw new DataException($"cannot read a time from {value.GetType().Name}"),
        };
    }
}
