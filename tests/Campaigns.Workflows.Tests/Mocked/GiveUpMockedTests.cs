using Campaigns.Workflows.Contract;
using Temporalio.Exceptions;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>
/// Batches that give up (a non-retryable <c>BatchGaveUp</c> failure naming what they finished), with the activities
/// mocked: the rest of such a batch is BatchFailed and never dialed again, the campaign goes on; three in a row fail
/// the campaign (BatchesFailing).
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TimeSkippingTests.Name)]
public sealed class GiveUpMockedTests(TimeSkippingFixture server, ITestOutputHelper output) : IClassFixture<TimeSkippingFixture>
{
    [Fact]
    public async Task OneBatchGivesUpHalfway_ItsRestBatchFailed_NeverDialedAgain_CampaignCompletes()
    {
        // Batches of 10; the one holding target 11 finishes 5 of its attempts, then gives up.
        var fake = new FakeCampaignActivities { GiveUpAfter = (_, held) => held[0].Seq == 11 ? 5 : null };
        var id = MockedCampaign.NewId("giveup");
        await using var c = await MockedCampaign.StartAsync(server.Env, fake, output, id, MockedCampaign.Json(id, 40, """, "rate": { "maxCallsPerSecond": 2 }"""));

        var result = await c.ResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(40, result.Finished);
        Assert.Equal(5, result.ByResult[Results.BatchFailed]);
        Assert.Equal(35, result.ByResult[Results.NormalEnd]);
        Assert.Equal(5, result.Errored);
        Assert.Contains(result.Errors, e => e.Contains("fake fault", StringComparison.Ordinal));
        Assert.Single(fake.Batches, b => b.GaveUp);
        Assert.DoesNotContain(fake.Dials, d => d.Seq is >= 16 and <= 20); // never dialed again
        Assert.Equal(35, fake.Dials.Count);
        Assert.Equal([CampaignStatuses.Completed], fake.Statuses);
        await c.AssertReplaysAsync();
    }

    [Fact]
    public async Task ThreeBatchesGiveUpInARow_CampaignFails_BatchesFailing_StatusStoredFailed()
    {
        var fake = new FakeCampaignActivities { GiveUpAfter = (_, _) => 0 };
        var id = MockedCampaign.NewId("failing");
        await using var c = await MockedCampaign.StartAsync(server.Env, fake, output, id, MockedCampaign.Json(id, 40, """, "rate": { "maxCallsPerSecond": 2 }"""));

        var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => c.Handle.GetResultAsync());
        await c.PrintTimesAsync();

        var error = Assert.IsType<ApplicationFailureException>(failed.InnerException);
        Assert.Equal(CampaignErrors.BatchesFailing, error.ErrorType);
        Assert.StartsWith("3 batches in a row gave up", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, fake.Batches.Count); // none dispatched after the third
        Assert.All(fake.Batches, b => Assert.True(b.GaveUp));
        Assert.Empty(fake.Dials);
        Assert.Equal([CampaignStatuses.Failed], fake.Statuses);
        var progress = await c.Handle.QueryAsync(wf => wf.Progress);
        Assert.Equal(CampaignStatuses.Failed, progress.Status);
        Assert.Equal(30, progress.Errored);
        Assert.Equal(30, progress.ByResult[Results.BatchFailed]);
        await c.AssertReplaysAsync();
    }
}
