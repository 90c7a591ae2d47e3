using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Campaigns.Workflows.Tests;

/// <summary>Campaigns end to end on the real dev server, the simulator and PostgreSQL.</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class CampaignEndToEndTests(TemporalServer temporal)
{
    [Fact]
    public async Task Campaign_OneToOneAndGroups_CompletesWithOneOutcomePerCalleeAndNobodyRungTwice()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 150).Select(i => $"u{i:D4}").ToList();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id,
            RobotAccount = "robot",
            Callees = callees,
            Groups = [["g1a", "g1b", "g1c"], ["g2a", "g2b"]],
            RingTimeoutMs = 20_000,
        });

        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(152, result.Targets);
        Assert.Equal(152, result.Finished);
        var everyone = callees.Concat(["g1a", "g1b", "g1c", "g2a", "g2b"]).Order(StringComparer.Ordinal).ToList();
        var outcomes = await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, everyone);
        Assert.Equal(everyone, outcomes.Select(o => o.Callee).Order(StringComparer.Ordinal).ToList());
        Assert.DoesNotContain(outcomes, o => o.Callee == "robot");
        var stored = await h.Store.GetCampaignAsync(id);
        Assert.Equal(CampaignStatus.Completed, stored!.Status);

        // Secrets live only in the worker's configuration: never in the campaign's history.
        var fetched = await handle.FetchHistoryAsync();
        Console.WriteLine($"history: {fetched.Events.Count} events for {result.Targets} targets ({(double)fetched.Events.Count / result.Targets:F2} per target)");
        var history = fetched.ToJson();
        Assert.DoesNotContain(h.Simulator.Options.SecretKey, history, StringComparison.Ordinal);
        Assert.DoesNotContain("usersig", history, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("TLS.sig", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_Invalid_FailsNamingEveryFieldAndDialsNothing()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var input = CampaignHarness.Json("""
            { "campaignId": "bad", "robotAccount": "robot", "callees": ["ok", "not valid!"],
              "ringTimeoutMs": 5, "mediaType": "Hologram", "colour": "blue" }
            """);
        var handle = await h.Temporal.Client.StartWorkflowAsync(
            (CampaignWorkflow wf) => wf.RunAsync(input, null), new WorkflowOptions("campaign-bad-" + Guid.NewGuid().ToString("N")[..6], h.TaskQueue));

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());

        var app = Assert.IsType<ApplicationFailureException>(failure.InnerException);
        Assert.Equal("InvalidCampaign", app.ErrorType);
        Assert.Contains("$.callees[1]", app.Message, StringComparison.Ordinal);
        Assert.Contains("$.ringTimeoutMs", app.Message, StringComparison.Ordinal);
        Assert.Contains("$.mediaType", app.Message, StringComparison.Ordinal);
        Assert.Contains("$.colour: unknown field", app.Message, StringComparison.Ordinal);
        Assert.Empty(await h.Simulator.CallsAsync());
        Assert.Null(await h.Store.GetCampaignAsync("bad"));
    }

    [Fact]
    public async Task Campaign_StartedTwice_IsRefusedAndRunsOnce()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var spec = new CampaignSpec { CampaignId = CampaignHarness.NewId(), RobotAccount = "robot", Callees = ["x1", "x2"], RingTimeoutMs = 10_000 };
        var first = await h.Campaigns.StartAsync(spec);

        var refused = await Assert.ThrowsAsync<CampaignRejectedException>(() => h.Campaigns.StartAsync(spec));
        await first.GetResultAsync();
        var again = await Assert.ThrowsAsync<CampaignRejectedException>(() => h.Campaigns.StartAsync(spec));

        Assert.Contains("started before", refused.Message, StringComparison.Ordinal);
        Assert.Contains("started before", again.Message, StringComparison.Ordinal);
        var rings = await h.Simulator.RingsAsync();
        Assert.Equal(1, rings["x1"]);
        Assert.Equal(1, rings["x2"]);
    }

    internal static async Task<List<OutcomeExportRow>> ReadOutcomesAsync(CampaignHarness h, string id)
    {
        var rows = new List<OutcomeExportRow>();
        await foreach (var row in h.Store.ReadOutcomesAsync(id))
        {
            rows.Add(row);
        }

        return rows;
    }
}
