using Campaigns.Workflows.Contract;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>
/// endBy with the activities mocked: dispatch stops at it, the targets never dispatched and the redials still waiting
/// go to FinishNotDialed (NotDialed, redials dropped), and the campaign completes with every target finished.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TimeSkippingTests.Name)]
public sealed class EndByMockedTests(TimeSkippingFixture server, ITestOutputHelper output) : IClassFixture<TimeSkippingFixture>
{
    [Fact]
    public async Task EndByMidDispatch_NoBatchAfterIt_RestNotDialed_WaitingRedialsDropped_Completed()
    {
        // 1 call/s: batches of 5 every 5 s; endBy 12 s after the start leaves 4 batches; targets 1-2 wait for a redial then.
        var fake = new FakeCampaignActivities { Outcome = (seq, _) => seq <= 2 ? "NotAnswer" : Results.NormalEnd };
        var id = MockedCampaign.NewId("endby");
        var endBy = (await server.Env.GetCurrentTimeAsync()).AddSeconds(12);
        await using var c = await MockedCampaign.StartAsync(server.Env, fake, output, id, MockedCampaign.Json(
            id,
            40,
            $$""", "rate": { "maxCallsPerSecond": 1 }, "endBy": "{{endBy:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}", "redial": { "maxAttempts": 2, "rules": [ { "result": "NotAnswer", "delaySeconds": 1800 } ] }"""));

        var result = await c.ResultAsync();

        c.Print($"{fake.Dials.Count} dialed before endBy, " + string.Join(", ", result.ByResult.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(40, result.Finished);
        Assert.Equal(40, result.Attempts);
        Assert.Equal(fake.Dials.Count, 40 - result.ByResult[Results.NotDialed]);
        Assert.Equal(20, fake.Dials.Count);
        Assert.Equal(2, result.ByResult["NotAnswer"]);
        Assert.All(fake.Batches, b => Assert.True(b.ScheduledAt < endBy, $"batch {b.No} scheduled at {b.ScheduledAt:O}, endBy {endBy:O}"));
        Assert.DoesNotContain(fake.Dials, d => d.AttemptNo > 1); // the redials were dropped
        Assert.Equal(["FinishNotDialed"], fake.Finishes);
        Assert.Equal([CampaignStatuses.Completed], fake.Statuses);
        await c.AssertReplaysAsync();
    }
}
