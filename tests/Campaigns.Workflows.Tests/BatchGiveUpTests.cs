using Campaigns.Workflows.Contract;
using Npgsql;
using Temporalio.Exceptions;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// A batch that fails the same way on every execution gives up instead of freezing the campaign: what it
/// finished counts, the rest is BatchFailed (never dialed again), and the campaign goes on. Real causes, no
/// hooks: a stored attempt whose result codes the worker cannot read, and targets deleted from the store.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class BatchGiveUpTests(TemporalServer temporal)
{
    private static readonly Dictionary<string, string?> GiveUpAfterThree = new() { ["Campaigns:Batches:GiveUpAfterAttempts"] = "3" };

    [Fact]
    public async Task DeterministicBatchErrors_BatchesGiveUp_FinishedCounted_RestBatchFailed_CampaignCompletes()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, config: GiveUpAfterThree);
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 10).Select(i => $"gu{i}").ToList();
        await ImportAsync(h, id, callees);
        // Target 3: an attempt stored as dialed with result codes of the wrong shape (every execution throws).
        var corrupt = await h.Store.RecordIntentAsync(id, 3, 1);
        await h.Store.MarkDialedAsync(corrupt.AttemptKey, "call-unreadable", new Dictionary<string, long>());
        await SqlAsync(h, "UPDATE call_attempts SET result_codes = '{\"gu3\": \"zero\"}' WHERE attempt_key = @p", corrupt.AttemptKey);
        // Target 7: gone from the store (the campaign then has 9 targets: seq 1-6 and 8-10, dispatched as 1-9).
        await SqlAsync(h, "DELETE FROM targets WHERE campaign_id = @p AND seq = 7", id);

        // Batches of 5 at 1 call/s: [1-5] (target 3 unreadable), [6-9] (target 7 missing).
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", TargetsImported = true, RingTimeoutMs = 10_000, Rate = new() { MaxCallsPerSecond = 1 },
        });
        var result = await handle.GetResultAsync();

        Assert.Equal((CampaignStatuses.Completed, 9L, 9L), (result.Status, result.Targets, result.Finished));
        Assert.Equal(5L, result.Errored); // target 3, and targets 6, 8, 9 (their batch never loaded)
        Assert.Equal(5L, result.ByResult[Results.BatchFailed]);
        Assert.Equal(4L, result.ByResult.Where(r => r.Key != Results.BatchFailed).Sum(r => r.Value)); // 1, 2, 4, 5 finished normally
        Assert.Equal(2, result.Errors.Count);
        Assert.Contains(result.Errors, e => e.Contains("after 3 execution(s): JsonException", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("after 1 execution(s)", StringComparison.Ordinal) && e.Contains("no targets 7", StringComparison.Ordinal));
        var rings = await h.Simulator.RingsAsync();
        Assert.Equal(["gu1", "gu2", "gu4", "gu5"], rings.Keys.Order(StringComparer.Ordinal));
        Assert.All(rings.Values, r => Assert.Equal(1, r));
        var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, id);
        Assert.Equal(["gu1", "gu2", "gu4", "gu5"], outcomes.Select(o => o.Callee).Order(StringComparer.Ordinal));
        Console.WriteLine($"give-up test: errors [{string.Join(" | ", result.Errors)}]");
    }

    [Fact]
    public async Task ThreeBatchesInARowGiveUp_CampaignFailsNamingTheError_NobodyRung()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, config: GiveUpAfterThree);
        var id = CampaignHarness.NewId();
        await ImportAsync(h, id, [.. Enumerable.Range(1, 15).Select(i => $"gx{i}")]);
        // One target gone from each batch of 5 (12 left, dispatched as 1-12: 12 is gone too).
        await SqlAsync(h, "DELETE FROM targets WHERE campaign_id = @p AND seq IN (2, 7, 12)", id);

        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", TargetsImported = true, RingTimeoutMs = 10_000, Rate = new() { MaxCallsPerSecond = 1 },
        });
        var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());

        var cause = Assert.IsType<ApplicationFailureException>(failed.InnerException);
        Assert.Equal("BatchesFailing", cause.ErrorType);
        Assert.Contains("3 batches in a row gave up", cause.Message, StringComparison.Ordinal);
        Assert.Contains("in the store", cause.Message, StringComparison.Ordinal);
        Assert.Equal(Storage.Model.CampaignStatus.Failed, (await h.Store.GetCampaignAsync(id))!.Status);
        Assert.Empty(await h.Simulator.RingsAsync());
    }

    private static async Task ImportAsync(CampaignHarness h, string id, IReadOnlyList<string> callees)
    {
        await h.Store.MigrateAsync();
        await h.Store.RegisterCampaignAsync(id, "campaign-" + id, "{}");
        await h.Store.AddTargetsAsync(id, [.. callees.Select(c => (IReadOnlyList<string>)[c])]);
    }

    // Behind the store's back, as a corrupt row or an operator's mistake would be.
    private static async Task SqlAsync(CampaignHarness h, string sql, string p)
    {
        await using var conn = new NpgsqlConnection(h.Database);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(sql, conn);
        command.Parameters.AddWithValue("p", p);
        await command.ExecuteNonQueryAsync();
    }
}
