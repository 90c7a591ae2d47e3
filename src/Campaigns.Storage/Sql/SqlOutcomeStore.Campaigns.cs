using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>Campaigns (status only moves forward) and progress counts.</content>
internal abstract partial class SqlOutcomeStore
{
    private const string SelectCampaign = "SELECT campaign_id, workflow_id, run_id, definition, status, created_at, updated_at, totals FROM campaigns WHERE campaign_id = @campaignId";

    public Task<CampaignRow> RegisterCampaignAsync(string campaignId, string workflowId, string definitionJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowId);
        ArgumentException.ThrowIfNullOrWhiteSpace(definitionJson);
        return InTransactionAsync(
            Access.Write,
            async (conn, tx, ct) =>
            {
                var now = Time.GetUtcNow();
                await conn.ExecuteAsync(Cmd(
                    $"""
                    INSERT INTO campaigns (campaign_id, workflow_id, definition, status, created_at, updated_at)
                    VALUES (@campaignId, @workflowId, {Json("@definitionJson")}, @status, @now, @now)
                    ON CONFLICT (campaign_id) DO NOTHING
                    """,
                    new { campaignId, workflowId, definitionJson, status = Names.Of(CampaignStatus.Registered), now },
                    tx,
                    ct)).ConfigureAwait(false);
                return await conn.QuerySingleAsync<CampaignRow>(Cmd(SelectCampaign, new { campaignId }, tx, ct)).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<CampaignRow> ClaimCampaignAsync(string campaignId, string workflowId, string runId, string definitionJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowId);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(definitionJson);
        return InTransactionAsync(
            Access.Write,
            async (conn, tx, ct) =>
            {
                var now = Time.GetUtcNow();
                var registered = Names.Of(CampaignStatus.Registered);
                await conn.ExecuteAsync(Cmd(
                    $"""
                    INSERT INTO campaigns (campaign_id, workflow_id, run_id, definition, status, created_at, updated_at)
                    VALUES (@campaignId, @workflowId, @runId, {Json("@definitionJson")}, @registered, @now, @now)
                    ON CONFLICT (campaign_id) DO UPDATE SET run_id = excluded.run_id, definition = excluded.definition, updated_at = excluded.updated_at
                    WHERE campaigns.status = @registered AND campaigns.workflow_id = excluded.workflow_id
                    """,
                    new { campaignId, workflowId, runId, definitionJson, registered, now },
                    tx,
                    ct)).ConfigureAwait(false);
                return await conn.QuerySingleAsync<CampaignRow>(Cmd(SelectCampaign, new { campaignId }, tx, ct)).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<CampaignRow?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(Access.Read, (conn, tx, ct) => conn.QuerySingleOrDefaultAsync<CampaignRow>(Cmd(SelectCampaign, new { campaignId }, tx, ct)), cancellationToken);

    public Task<CampaignRow> SetCampaignStatusAsync(string campaignId, CampaignStatus status, string? totalsJson = null, CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            Access.Write,
            async (conn, tx, ct) =>
            {
                var parameters = new DynamicParameters(new { campaignId, status = Names.Of(status), totalsJson, now = Time.GetUtcNow() });
                var changed = await conn.ExecuteAsync(Cmd(
                    $"""
                    UPDATE campaigns SET status = @status, totals = COALESCE({Json("@totalsJson")}, totals), updated_at = @now
                    WHERE campaign_id = @campaignId AND {In("status", parameters, "from", [.. MayBecome(status).Select(Names.Of)])}
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false);
                var row = await conn.QuerySingleOrDefaultAsync<CampaignRow>(Cmd(SelectCampaign, new { campaignId }, tx, ct)).ConfigureAwait(false)
                    ?? throw NotRegistered(campaignId);
                return changed == 1 ? row : row with { Refused = true };
            },
            cancellationToken);

    public Task<Progress> GetProgressAsync(string campaignId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            Access.Read,
            async (conn, tx, ct) =>
            {
                using var grid = await conn.QueryMultipleAsync(Cmd(
                    """
                    SELECT count(*) FROM targets WHERE campaign_id = @campaignId;
                    SELECT state AS key, count(*) AS count FROM call_attempts WHERE campaign_id = @campaignId GROUP BY state;
                    SELECT result AS key, count(*) AS count FROM outcomes WHERE campaign_id = @campaignId GROUP BY result;
                    """,
                    new { campaignId },
                    tx,
                    ct)).ConfigureAwait(false);
                var targets = await grid.ReadSingleAsync<long>().ConfigureAwait(false);
                var states = (await grid.ReadAsync<(string Key, long Count)>().ConfigureAwait(false))
                    .ToDictionary(r => Enum.Parse<AttemptState>(r.Key, ignoreCase: true), r => r.Count);
                var results = (await grid.ReadAsync<(string Key, long Count)>().ConfigureAwait(false))
                    .ToDictionary(r => r.Key, r => r.Count, StringComparer.Ordinal);
                return new Progress(targets, states, results);
            },
            cancellationToken);

    // The statuses a campaign may move to `to` from: itself (a repeat) and anything behind it. Running and
    // paused alternate; completed, cancelled and failed are final.
    private static CampaignStatus[] MayBecome(CampaignStatus to) => to switch
    {
        CampaignStatus.Registered => [CampaignStatus.Registered],
        CampaignStatus.Running or CampaignStatus.Paused => [CampaignStatus.Registered, CampaignStatus.Running, CampaignStatus.Paused],
        _ => [CampaignStatus.Registered, CampaignStatus.Running, CampaignStatus.Paused, to],
    };
}
