using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>What a forecast reads (<see cref="ICampaignHistory"/>): earlier campaigns' results, the campaigns dialing now, the fleet's size.</content>
internal abstract partial class SqlOutcomeStore : ICampaignHistory
{
    // Enough calls for a mean call length per result; reading every call of large campaigns would take seconds.
    private const int CallLengthSample = 20_000;

    // Results that say nothing about how callees answer: the campaign's own doing, not the callee's.
    private static readonly string[] NotCallResults = ["Skipped", "Cancelled", "BatchFailed", "RedialHeld", "Deferred", "Unknown"];

    public Task<ResultHistory> GetResultHistoryAsync(int campaigns, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(campaigns);
        return InTransactionAsync(
            Access.Read,
            async (conn, tx, ct) =>
            {
                var ids = (await conn.QueryAsync<string>(Cmd(
                    "SELECT campaign_id FROM campaigns WHERE status = @completed ORDER BY updated_at DESC, campaign_id LIMIT @campaigns",
                    new { completed = Names.Of(CampaignStatus.Completed), campaigns },
                    tx,
                    ct)).ConfigureAwait(false)).ToList();
                if (ids.Count == 0)
                {
                    return new ResultHistory([], new Dictionary<string, long>(), new Dictionary<string, double>());
                }

                var parameters = new DynamicParameters();
                var inCampaigns = In("campaign_id", parameters, "ids", ids);
                var notCalls = In("result", parameters, "notCalls", NotCallResults);
                var counts = await conn.QueryAsync<(string Result, long Count)>(Cmd(
                    $"SELECT result, count(*) FROM outcomes WHERE {inCampaigns} AND NOT ({notCalls}) GROUP BY result",
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false);
                parameters.Add("sample", CallLengthSample);
                var calls = await conn.QueryAsync<CallTimes>(Cmd(
                    $"""
                    SELECT result, start_time, end_time FROM outcomes
                    WHERE {inCampaigns} AND NOT ({notCalls}) AND start_time IS NOT NULL AND end_time IS NOT NULL
                    ORDER BY recorded_at DESC LIMIT @sample
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false);
                var means = calls.Where(c => c.EndTime >= c.StartTime)
                    .GroupBy(c => c.Result, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Average(c => (c.EndTime!.Value - c.StartTime!.Value).TotalSeconds), StringComparer.Ordinal);
                return new ResultHistory(ids, counts.ToDictionary(c => c.Result, c => c.Count, StringComparer.Ordinal), means);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<ActiveCampaign>> GetActiveCampaignsAsync(CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            Access.Read,
            async (conn, tx, ct) =>
            {
                var parameters = new DynamicParameters();
                var active = In("c.status", parameters, "active", [Names.Of(CampaignStatus.Running), Names.Of(CampaignStatus.Paused)]);
                var rows = await conn.QueryAsync<ActiveRow>(Cmd(
                    $"""
                    SELECT c.campaign_id, c.status, c.definition,
                        (SELECT count(*) FROM targets t WHERE t.campaign_id = c.campaign_id) AS targets,
                        (SELECT count(*) FROM targets t WHERE t.campaign_id = c.campaign_id
                            AND NOT EXISTS (SELECT 1 FROM call_attempts a WHERE a.campaign_id = t.campaign_id AND a.target_seq = t.seq)
                            AND NOT EXISTS (SELECT 1 FROM pending_attempts p WHERE p.campaign_id = t.campaign_id AND p.target_seq = t.seq)) AS undispatched,
                        (SELECT count(*) FROM pending_attempts p WHERE p.campaign_id = c.campaign_id AND p.taken_by IS NULL) AS pending
                    FROM campaigns c WHERE {active} ORDER BY c.campaign_id
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false);
                return (IReadOnlyList<ActiveCampaign>)[.. rows.Select(r => new ActiveCampaign(
                    r.CampaignId, Enum.Parse<CampaignStatus>(r.Status, ignoreCase: true), r.Definition, r.Targets, r.Undispatched, r.Pending))];
            },
            cancellationToken);

    public Task<int> CountLiveWorkersAsync(CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            Access.Read,
            async (conn, tx, ct) =>
                (int)await conn.ExecuteScalarAsync<long>(Cmd($"SELECT count(*) FROM fleet_members WHERE expires_ms > {NowMs}", null, tx, ct)).ConfigureAwait(false),
            cancellationToken);

    // Rows as Dapper fills them (settable properties, snake_case columns).
    private sealed class CallTimes
    {
        public string Result { get; set; } = string.Empty;

        public DateTimeOffset? StartTime { get; set; }

        public DateTimeOffset? EndTime { get; set; }
    }

    private sealed class ActiveRow
    {
        public string CampaignId { get; set; } = string.Empty;

        public string Status { get; set; } = string.Empty;

        public string Definition { get; set; } = string.Empty;

        public long Targets { get; set; }

        public long Undispatched { get; set; }

        public long Pending { get; set; }
    }
}
